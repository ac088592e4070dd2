//! `Flagon.toml`: the app's deployment settings, per stage and per function, with one
//! precedence and errors that name the file, the line and the key.
//!
//! Settings (memory, timeout, environment, tags, layers, architecture, reserved concurrency,
//! VPC, X-Ray, log retention, API type, API stage, endpoint type, IAM) may be set at four
//! levels of the file and on the command line. One precedence applies to every setting:
//!
//! **command line > `[stages.S.functions.F]` > `[stages.S]` > `[functions.F]` > top level >
//! defaults.**
//!
//! A scalar or a list comes from the highest level that sets it; `environment` and `tags`
//! merge key by key across levels, the higher level winning each key. API settings
//! (`api_type`, `api_stage`, `endpoint_type`) belong to the stage as a whole and cannot be
//! set in a function table.
//!
//! ```toml
//! app = "helloworld"
//! memory = 256                       # top level
//! timeout = 30
//! environment = { LOG_LEVEL = "info" }
//! tags = { team = "web" }
//! api_type = "rest"                  # or "http"
//! api_stage = "api"
//!
//! [functions.on_upload]              # a function, by its handler name in the manifest
//! memory = 1024
//!
//! [stages.prod]                      # a stage
//! memory = 512
//! iam_role_arn = "arn:aws:iam::123456789012:role/x"   # or iam_policy_file = "policy.json"
//!
//! [stages.prod.functions.on_upload]  # a function in a stage
//! timeout = 60
//! ```
//!
//! Reading is pure: [`Config::parse`] takes the text; [`Config::load`] reads the file (and
//! the policy files it names) and parses it. A misspelt key, a wrong type or an
//! out-of-range value is a [`ConfigError::Invalid`] such as
//! `load Flagon.toml:9:1: unknown key `memroy` in [functions.on_upload]; did you mean `memory`?`.
//!
//! ```
//! use flagon_config::{Config, Overrides};
//!
//! let config = Config::parse(
//!     "Flagon.toml",
//!     "memory = 256\n[stages.prod]\nmemory = 512\n[functions.on_upload]\ntimeout = 30\n",
//! )
//! .unwrap();
//! let dev = config.resolve("dev", "on_upload", &Overrides::default()).unwrap();
//! assert_eq!((dev.memory, dev.timeout), (256, 30));
//! let prod = config.resolve("prod", "on_upload", &Overrides::default()).unwrap();
//! assert_eq!(prod.memory, 512);
//! let cli = Overrides { memory: Some(2048), ..Overrides::default() };
//! assert_eq!(config.resolve("prod", "on_upload", &cli).unwrap().memory, 2048);
//!
//! let err = Config::parse("Flagon.toml", "[functions.on_upload]\nmemroy = 1\n").unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "load Flagon.toml:2:1: unknown key `memroy` in [functions.on_upload]; did you mean `memory`?"
//! );
//! ```

mod error;
mod parse;
mod resolve;
mod settings;
mod suggest;
mod validate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use flagon_manifest::Manifest;

pub use error::{ConfigError, Location};
pub use settings::{
    ApiType, Architecture, DEFAULT_API_STAGE, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S, EndpointType,
    FunctionSettings, Iam, LOG_RETENTION_DAYS, MEMORY_RANGE_MB, Overrides, Settings, StageSettings,
    TIMEOUT_RANGE_S, Vpc, is_valid_log_retention,
};

/// The configuration file's name, beside the app's `Cargo.toml`.
pub const FILE_NAME: &str = "Flagon.toml";

/// The stage used when none is given.
pub const DEFAULT_STAGE: &str = "dev";

/// A parsed Flagon.toml.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    file: String,
    dir: PathBuf,
    doc: parse::Document,
    policies: BTreeMap<PathBuf, serde_json::Value>,
}

impl Config {
    /// Parses Flagon.toml's text. `file` is how messages name the file (and its parent
    /// directory is where relative policy files are looked for).
    pub fn parse(file: impl AsRef<Path>, text: &str) -> Result<Self, ConfigError> {
        let path = file.as_ref();
        let name = path.display().to_string();
        let doc = parse::parse(&name, text)?;
        Ok(Self {
            file: name,
            dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
            doc,
            policies: BTreeMap::new(),
        })
    }

    /// Reads and parses the file, then reads every policy file it names.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut config = Self::parse(path, &text)?;
        for file in config.policy_files() {
            config.read_policy_file(&file)?;
        }
        Ok(config)
    }

    /// The configuration of the project in `dir`: its [`FILE_NAME`] loaded with
    /// [`Config::load`], or [`Config::empty`] when the project has none (Flagon.toml is
    /// optional; every setting has a default).
    pub fn load_project(dir: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = dir.as_ref().join(FILE_NAME);
        if path.is_file() {
            Self::load(path)
        } else {
            Ok(Self {
                file: path.display().to_string(),
                dir: dir.as_ref().to_path_buf(),
                ..Self::default()
            })
        }
    }

    /// The configuration of a project without Flagon.toml: every setting at its default.
    pub fn empty() -> Self {
        Self {
            file: FILE_NAME.to_owned(),
            ..Self::default()
        }
    }

    /// The file as messages name it.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// `app`, when the file sets it (it then names the deployed resources instead of the
    /// manifest's app name).
    pub fn app(&self) -> Option<&str> {
        self.doc.app.as_deref()
    }

    /// The stages the file declares (`[stages.NAME]`), sorted. Other stage names are valid
    /// too: they get the top-level and function settings.
    pub fn stages(&self) -> Vec<&str> {
        self.doc.stages.keys().map(String::as_str).collect()
    }

    /// Checks that every `[functions.NAME]` and `[stages.S.functions.NAME]` names a function
    /// of the manifest.
    pub fn validate_functions(&self, manifest: &Manifest) -> Result<(), ConfigError> {
        let known: Vec<String> = manifest.functions.iter().map(|f| f.name.clone()).collect();
        let tables = self
            .doc
            .functions
            .iter()
            .map(|(n, s)| (format!("functions.{n}"), n, s))
            .chain(self.doc.stages.iter().flat_map(|(stage, st)| {
                st.functions
                    .iter()
                    .map(move |(n, s)| (format!("stages.{stage}.functions.{n}"), n, s))
            }));
        for (table, name, section) in tables {
            if !known.contains(name) {
                return Err(ConfigError::UnknownFunction {
                    location: section.location.clone().unwrap_or_else(|| Location {
                        file: self.file.clone(),
                        line: 1,
                        column: 1,
                    }),
                    table,
                    name: name.clone(),
                    functions: known,
                });
            }
        }
        Ok(())
    }

    /// The settings of `function` in `stage`, with the precedence applied and defaults
    /// filled in.
    pub fn resolve(
        &self,
        stage: &str,
        function: &str,
        overrides: &Overrides,
    ) -> Result<FunctionSettings, ConfigError> {
        resolve::check_overrides(overrides)?;
        let empty = Settings::default();
        let stage_section = self.doc.stages.get(stage);
        let layers = [
            &self.doc.top.settings,
            self.doc
                .functions
                .get(function)
                .map_or(&empty, |s| &s.settings),
            stage_section.map_or(&empty, |s| &s.section.settings),
            stage_section
                .and_then(|s| s.functions.get(function))
                .map_or(&empty, |s| &s.settings),
            overrides,
        ];
        resolve::function_settings(resolve::merge(&layers), || {
            format!("function `{function}` in stage `{stage}`")
        })
    }

    /// The settings of `stage` as a whole (API, stage-wide role, tags).
    pub fn stage_settings(
        &self,
        stage: &str,
        overrides: &Overrides,
    ) -> Result<StageSettings, ConfigError> {
        resolve::check_overrides(overrides)?;
        let empty = Settings::default();
        let layers = [
            &self.doc.top.settings,
            self.doc
                .stages
                .get(stage)
                .map_or(&empty, |s| &s.section.settings),
            overrides,
        ];
        Ok(resolve::stage_settings(resolve::merge(&layers)))
    }

    /// Every policy file the configuration names, as written.
    pub fn policy_files(&self) -> Vec<PathBuf> {
        let sections = std::iter::once(&self.doc.top)
            .chain(self.doc.functions.values())
            .chain(
                self.doc
                    .stages
                    .values()
                    .flat_map(|s| std::iter::once(&s.section).chain(s.functions.values())),
            );
        let mut files: Vec<PathBuf> = sections
            .filter_map(|s| match &s.settings.iam {
                Some(Iam::PolicyFile(p)) => Some(p.clone()),
                _ => None,
            })
            .collect();
        files.sort();
        files.dedup();
        files
    }

    /// Reads a policy file (relative to the directory of Flagon.toml) and keeps its
    /// document under `path` as written. The CLI calls it for a policy file given as an
    /// override.
    pub fn read_policy_file(&mut self, path: &Path) -> Result<(), ConfigError> {
        let full = self.dir.join(path);
        let fail = |message: String| ConfigError::PolicyFile {
            path: full.clone(),
            message,
        };
        let text = std::fs::read_to_string(&full).map_err(|e| fail(e.to_string()))?;
        let document: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| fail(format!("not JSON: {e}")))?;
        self.insert_policy_document(path, document)
            .map_err(|e| match e {
                ConfigError::PolicyFile { message, .. } => fail(message),
                other => other,
            })
    }

    /// Keeps a policy document for `path` (what [`Config::read_policy_file`] does after
    /// reading); checks that it has a `Statement`.
    pub fn insert_policy_document(
        &mut self,
        path: &Path,
        document: serde_json::Value,
    ) -> Result<(), ConfigError> {
        let ok = matches!(
            document.get("Statement"),
            Some(serde_json::Value::Array(_) | serde_json::Value::Object(_))
        );
        if !ok {
            return Err(ConfigError::PolicyFile {
                path: self.dir.join(path),
                message: "an IAM policy document needs a `Statement` array".to_owned(),
            });
        }
        self.policies.insert(path.to_path_buf(), document);
        Ok(())
    }

    /// The document of a policy file read by [`Config::load`] or given to
    /// [`Config::insert_policy_document`].
    pub fn policy_document(&self, path: &Path) -> Option<&serde_json::Value> {
        self.policies.get(path)
    }
}
