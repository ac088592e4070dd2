//! Reading Flagon.toml: a walk over the spanned TOML tree, so that every error can name the
//! file, the line, the table and the key, and suggest the key that was meant.

mod values;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::{ConfigError, Location};
use crate::settings::{ApiType, Architecture, EndpointType, Iam, Settings};
use crate::suggest::closest;
use crate::validate;

/// Settings keys allowed in every table.
pub(crate) const FUNCTION_KEYS: &[&str] = &[
    "memory",
    "timeout",
    "environment",
    "tags",
    "layers",
    "architecture",
    "reserved_concurrency",
    "subnet_ids",
    "security_group_ids",
    "xray",
    "log_retention_days",
    "iam_role_arn",
    "iam_policy_file",
];

/// Settings keys about the API (and the stage as a whole): not in function tables.
pub(crate) const API_KEYS: &[&str] = &["api_type", "api_stage", "endpoint_type"];

/// A table of settings as read, with where it was declared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Section {
    pub(crate) settings: Settings,
    pub(crate) location: Option<Location>,
}

/// A `[stages.NAME]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct StageSection {
    pub(crate) section: Section,
    pub(crate) functions: BTreeMap<String, Section>,
}

/// Everything Flagon.toml says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Document {
    pub(crate) app: Option<String>,
    pub(crate) top: Section,
    pub(crate) functions: BTreeMap<String, Section>,
    pub(crate) stages: BTreeMap<String, StageSection>,
}

/// Which kind of table is being read: decides the allowed keys and how messages name it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Top,
    Stage,
    Function,
}

struct Reader<'a> {
    file: &'a str,
    text: &'a str,
}

/// A table being read: its dotted path (`stages.prod`) and level.
struct Table<'p> {
    path: &'p str,
    level: Level,
}

impl Table<'_> {
    /// How a message names the table: `at the top level`, `in [functions.on_upload]`.
    fn place(&self) -> String {
        if self.path.is_empty() {
            "at the top level".to_owned()
        } else {
            format!("in [{}]", self.path)
        }
    }

    fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }
}

pub(crate) fn parse(file: &str, text: &str) -> Result<Document, ConfigError> {
    let reader = Reader { file, text };
    let root = DeTable::parse(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        ConfigError::Invalid {
            location: Location::at(file, text, offset),
            key: String::new(),
            message: format!("invalid TOML: {}", e.message().trim_end()),
        }
    })?;
    reader.document(root.get_ref())
}

type Entry<'t, 'i> = (
    &'t Spanned<std::borrow::Cow<'i, str>>,
    &'t Spanned<DeValue<'i>>,
);

impl Reader<'_> {
    fn location(&self, span: &Range<usize>) -> Location {
        Location::at(self.file, self.text, span.start)
    }

    fn invalid(&self, span: &Range<usize>, key: String, message: String) -> ConfigError {
        ConfigError::Invalid {
            location: self.location(span),
            key,
            message,
        }
    }

    fn document(&self, root: &DeTable<'_>) -> Result<Document, ConfigError> {
        let mut doc = Document::default();
        let top = Table {
            path: "",
            level: Level::Top,
        };
        for (key, value) in in_file_order(root) {
            match key.get_ref().as_ref() {
                "app" => {
                    let app = self.string(&top, key, value)?;
                    validate::app_name(&app)
                        .map_err(|m| self.invalid(&value.span(), "app".into(), m))?;
                    doc.app = Some(app);
                }
                "functions" => doc.functions = self.functions(&top, key, value)?,
                "stages" => {
                    for (name, stage) in in_file_order(self.table(&top, key, value)?) {
                        let path = format!("stages.{}", name.get_ref());
                        validate::stage_name(name.get_ref())
                            .map_err(|m| self.invalid(&name.span(), path.clone(), m))?;
                        let parsed = self.stage(&path, name, stage)?;
                        doc.stages.insert(name.get_ref().to_string(), parsed);
                    }
                }
                _ => self.setting(&top, (key, value), &mut doc.top.settings)?,
            }
        }
        Ok(doc)
    }

    fn stage(
        &self,
        path: &str,
        name: &Spanned<std::borrow::Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
    ) -> Result<StageSection, ConfigError> {
        let table = Table {
            path,
            level: Level::Stage,
        };
        let parent = Table {
            path: "stages",
            level: Level::Stage,
        };
        let entries = self.table(&parent, name, value)?;
        let mut stage = StageSection {
            section: Section {
                settings: Settings::default(),
                location: Some(self.location(&name.span())),
            },
            functions: BTreeMap::new(),
        };
        for (key, value) in in_file_order(entries) {
            if key.get_ref() == "functions" {
                stage.functions = self.functions(&table, key, value)?;
            } else {
                self.setting(&table, (key, value), &mut stage.section.settings)?;
            }
        }
        Ok(stage)
    }

    fn functions(
        &self,
        parent: &Table<'_>,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
    ) -> Result<BTreeMap<String, Section>, ConfigError> {
        let path = parent.key_path("functions");
        let holder = Table {
            path: &path,
            level: Level::Function,
        };
        let mut out = BTreeMap::new();
        for (name, body) in in_file_order(self.table(parent, key, value)?) {
            let fpath = format!("{path}.{}", name.get_ref());
            let table = Table {
                path: &fpath,
                level: Level::Function,
            };
            let mut section = Section {
                settings: Settings::default(),
                location: Some(self.location(&name.span())),
            };
            for entry in in_file_order(self.table(&holder, name, body)?) {
                self.setting(&table, entry, &mut section.settings)?;
            }
            out.insert(name.get_ref().to_string(), section);
        }
        Ok(out)
    }

    /// The entries of a value that must be a table.
    fn table<'v, 'i>(
        &self,
        parent: &Table<'_>,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        value: &'v Spanned<DeValue<'i>>,
    ) -> Result<&'v DeTable<'i>, ConfigError> {
        value
            .get_ref()
            .as_table()
            .ok_or_else(|| self.wrong_type(parent, key.get_ref(), value, "a table"))
    }

    fn wrong_type(
        &self,
        table: &Table<'_>,
        key: &str,
        value: &Spanned<DeValue<'_>>,
        expected: &str,
    ) -> ConfigError {
        let found = value.get_ref().type_str();
        self.invalid(
            &value.span(),
            table.key_path(key),
            format!(
                "`{key}` {} must be {expected}, found {}",
                table.place(),
                article(found)
            ),
        )
    }

    fn out_of_range(
        &self,
        table: &Table<'_>,
        key: &str,
        span: &Range<usize>,
        problem: &str,
    ) -> ConfigError {
        self.invalid(
            span,
            table.key_path(key),
            format!("`{key}` {} {problem}", table.place()),
        )
    }

    /// Reads one settings key into `settings`.
    fn setting(
        &self,
        table: &Table<'_>,
        (key, value): Entry<'_, '_>,
        settings: &mut Settings,
    ) -> Result<(), ConfigError> {
        let name = key.get_ref().as_ref();
        let span = value.span();
        let check =
            |r: Result<(), String>| r.map_err(|m| self.out_of_range(table, name, &span, &m));
        match name {
            "memory" => {
                let v = self.uint(table, key, value)?;
                check(validate::memory(v))?;
                settings.memory = Some(v);
            }
            "timeout" => {
                let v = self.uint(table, key, value)?;
                check(validate::timeout(v))?;
                settings.timeout = Some(v);
            }
            "reserved_concurrency" => {
                settings.reserved_concurrency = Some(self.uint(table, key, value)?);
            }
            "log_retention_days" => {
                let v = self.uint(table, key, value)?;
                check(validate::log_retention(v))?;
                settings.log_retention_days = Some(v);
            }
            "xray" => {
                settings.xray = Some(
                    value
                        .get_ref()
                        .as_bool()
                        .ok_or_else(|| self.wrong_type(table, name, value, "a boolean"))?,
                );
            }
            "environment" => {
                settings.environment = self.string_map(table, key, value, validate::environment)?;
            }
            "tags" => settings.tags = self.string_map(table, key, value, validate::tag)?,
            "layers" => {
                let v = self.strings(table, key, value)?;
                check(validate::layers(&v))?;
                settings.layers = Some(v);
            }
            "subnet_ids" => {
                let v = self.strings(table, key, value)?;
                check(validate::subnet_ids(&v))?;
                settings.subnet_ids = Some(v);
            }
            "security_group_ids" => {
                let v = self.strings(table, key, value)?;
                check(validate::security_group_ids(&v))?;
                settings.security_group_ids = Some(v);
            }
            "architecture" => {
                settings.architecture = Some(self.choice(
                    table,
                    key,
                    value,
                    &[
                        ("x86_64", Architecture::X86_64),
                        ("arm64", Architecture::Arm64),
                    ],
                )?);
            }
            "iam_role_arn" | "iam_policy_file" => {
                let v = self.string(table, key, value)?;
                if settings.iam.is_some() {
                    return Err(self.invalid(
                        &key.span(),
                        table.key_path(name),
                        format!(
                            "`iam_role_arn` and `iam_policy_file` are both set {}: keep one",
                            table.place()
                        ),
                    ));
                }
                settings.iam = Some(if name == "iam_role_arn" {
                    check(validate::role_arn(&v))?;
                    Iam::RoleArn(v)
                } else {
                    check(if v.is_empty() {
                        Err("must name a file".to_owned())
                    } else {
                        Ok(())
                    })?;
                    Iam::PolicyFile(PathBuf::from(v))
                });
            }
            "api_type" | "api_stage" | "endpoint_type" if table.level == Level::Function => {
                return Err(self.invalid(
                    &key.span(),
                    table.key_path(name),
                    format!(
                        "`{name}` is an API setting and cannot be set {}; set it at the top level or in [stages.<stage>]",
                        table.place()
                    ),
                ));
            }
            "api_type" => {
                settings.api_type = Some(self.choice(
                    table,
                    key,
                    value,
                    &[("rest", ApiType::Rest), ("http", ApiType::Http)],
                )?);
            }
            "endpoint_type" => {
                settings.endpoint_type = Some(self.choice(
                    table,
                    key,
                    value,
                    &[
                        ("edge", EndpointType::Edge),
                        ("regional", EndpointType::Regional),
                        ("private", EndpointType::Private),
                    ],
                )?);
            }
            "api_stage" => {
                let v = self.string(table, key, value)?;
                check(validate::api_stage(&v))?;
                settings.api_stage = Some(v);
            }
            _ => return Err(self.unknown_key(table, key)),
        }
        Ok(())
    }

    fn unknown_key(
        &self,
        table: &Table<'_>,
        key: &Spanned<std::borrow::Cow<'_, str>>,
    ) -> ConfigError {
        let mut allowed: Vec<&str> = FUNCTION_KEYS.to_vec();
        match table.level {
            Level::Top => allowed.extend(["app", "functions", "stages"].iter().chain(API_KEYS)),
            Level::Stage => allowed.extend(["functions"].iter().chain(API_KEYS)),
            Level::Function => {}
        }
        let name = key.get_ref().as_ref();
        let hint = match closest(name, &allowed) {
            Some(k) => format!("; did you mean `{k}`?"),
            None => format!(
                "; expected one of {}",
                allowed
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.invalid(
            &key.span(),
            table.key_path(name),
            format!("unknown key `{name}` {}{hint}", table.place()),
        )
    }
}

/// A table's entries in the order they appear in the file (the parsed map is sorted by
/// key), so that the first problem reported is the first one in the file.
fn in_file_order<'t, 'i>(table: &'t DeTable<'i>) -> Vec<Entry<'t, 'i>> {
    let mut entries: Vec<Entry<'t, 'i>> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    entries
}

/// `integer` -> `an integer`, `string` -> `a string`.
fn article(type_name: &str) -> String {
    match type_name.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {type_name}"),
        _ => format!("a {type_name}"),
    }
}
