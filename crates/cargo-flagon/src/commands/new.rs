//! `cargo flagon new`: a project from a template.
//!
//! Templates are data files under `templates/` in this crate, embedded at compile time:
//! `templates/<template>/Cargo.toml` and `main.rs`, and `templates/common/` for the files all
//! templates share. Placeholders are `{{name}}` and `{{flagon_dependency}}`.

use std::path::{Path, PathBuf};

use clap::ValueEnum;

use crate::error::CliError;

/// Create a new Flagon project from a template.
///
/// The project builds and passes its own test out of the box: `cd NAME && cargo test`.
/// It holds Cargo.toml, src/main.rs (the app and a test using `flagon::test`), Flagon.toml
/// and .gitignore.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The app's name: the cargo package, the binary, and the prefix of every AWS resource
    /// (letters, digits, `-` and `_`, starting with a letter).
    pub name: String,

    /// What the app starts with.
    #[arg(long, value_enum, default_value_t = Template::RestApi)]
    pub template: Template,

    /// The directory to create; default `./NAME`. It must not exist or be empty.
    #[arg(long, value_name = "DIR")]
    pub path: Option<PathBuf>,

    /// Depend on the `flagon` crate at this path instead of its crates.io version (for
    /// developing Flagon itself).
    #[arg(long, value_name = "DIR", env = "FLAGON_DEV_PATH", hide = true)]
    pub flagon_path: Option<PathBuf>,
}

/// The project templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Template {
    /// A JSON REST API: routes with path parameters, JSON bodies and error statuses.
    RestApi,
    /// Event handlers: S3 uploads, an SQS queue with partial batch failures, a schedule.
    Events,
    /// One route answering `{"hello": "world"}`.
    Minimal,
}

/// One file of a generated project.
struct File {
    path: &'static str,
    contents: &'static str,
}

const COMMON: [File; 2] = [
    File {
        path: "Flagon.toml",
        contents: include_str!("../../templates/common/Flagon.toml"),
    },
    File {
        path: ".gitignore",
        contents: include_str!("../../templates/common/gitignore"),
    },
];

/// The files of the template in `templates/<dir>/`, embedded at compile time.
macro_rules! template_files {
    ($dir:literal) => {
        [
            File {
                path: "Cargo.toml",
                contents: include_str!(concat!("../../templates/", $dir, "/Cargo.toml")),
            },
            File {
                path: "src/main.rs",
                contents: include_str!(concat!("../../templates/", $dir, "/main.rs")),
            },
        ]
    };
}

impl Template {
    fn files(self) -> [File; 2] {
        match self {
            Template::RestApi => template_files!("rest-api"),
            Template::Events => template_files!("events"),
            Template::Minimal => template_files!("minimal"),
        }
    }
}

/// The `flagon = ...` dependency line's value.
fn flagon_dependency(flagon_path: Option<&Path>) -> Result<String, CliError> {
    match flagon_path {
        None => Ok(format!("\"{}\"", env!("CARGO_PKG_VERSION"))),
        Some(path) => {
            let path = path
                .canonicalize()
                .map_err(CliError::io("find the flagon crate at", path))?;
            // A TOML literal string: no escapes, so Windows paths survive.
            Ok(format!("{{ path = '{}' }}", path.display()))
        }
    }
}

/// The files of a new project, rendered: (relative path, contents).
pub fn render(
    name: &str,
    template: Template,
    flagon_dependency: &str,
) -> Vec<(&'static str, String)> {
    template
        .files()
        .iter()
        .chain(COMMON.iter())
        .map(|file| {
            let contents = file
                .contents
                .replace("{{name}}", name)
                .replace("{{flagon_dependency}}", flagon_dependency);
            (file.path, contents)
        })
        .collect()
}

/// Checks the app name: a valid cargo package name that is also valid in Lambda function
/// and IAM role names.
fn check_name(name: &str) -> Result<(), CliError> {
    let valid = name
        .chars()
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.len() <= 40;
    if valid {
        Ok(())
    } else {
        Err(CliError::User {
            message: format!("create project `{name}`: the name is not a valid app name"),
            help: Some(
                "use letters, digits, `-` and `_`, start with a letter, at most 40 characters \
                 (it prefixes every Lambda function name, which AWS limits to 64)"
                    .to_owned(),
            ),
        })
    }
}

/// Runs `cargo flagon new`.
pub fn run(args: &NewArgs) -> Result<(), CliError> {
    check_name(&args.name)?;
    let dir = args
        .path
        .clone()
        .unwrap_or_else(|| PathBuf::from(&args.name));
    let occupied = std::fs::read_dir(&dir).is_ok_and(|mut entries| entries.next().is_some());
    if occupied || dir.is_file() {
        return Err(CliError::User {
            message: format!(
                "create project `{}`: {} already exists and is not empty",
                args.name,
                dir.display()
            ),
            help: Some("choose another name or `--path DIR`".to_owned()),
        });
    }
    let dependency = flagon_dependency(args.flagon_path.as_deref())?;
    for (relative, contents) in render(&args.name, args.template, &dependency) {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(CliError::io("create directory", parent))?;
        }
        std::fs::write(&path, contents).map_err(CliError::io("write", &path))?;
    }
    println!(
        "created {} app `{}` in {}\nnext: cd {} && cargo test && cargo flagon local",
        args.template
            .to_possible_value()
            .map_or_else(String::new, |value| value.get_name().to_owned()),
        args.name,
        dir.display(),
        dir.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_renders_without_leftover_placeholders() {
        for template in Template::value_variants() {
            for (path, contents) in render("myapp", *template, "\"0.1.0\"") {
                assert!(
                    !contents.contains("{{"),
                    "{template:?} {path} keeps a placeholder"
                );
            }
        }
    }

    #[test]
    fn every_template_has_the_same_file_set() {
        for template in Template::value_variants() {
            let paths: Vec<&str> = render("myapp", *template, "\"0.1.0\"")
                .into_iter()
                .map(|(path, _)| path)
                .collect();
            assert_eq!(
                paths,
                ["Cargo.toml", "src/main.rs", "Flagon.toml", ".gitignore"]
            );
        }
    }

    #[test]
    fn invalid_app_names_are_refused() {
        for name in ["", "1app", "my app", "my.app", &"a".repeat(41)] {
            assert!(check_name(name).is_err(), "{name:?} was accepted");
        }
        for name in ["myapp", "my-app", "my_app2"] {
            assert!(check_name(name).is_ok(), "{name:?} was refused");
        }
    }

    #[test]
    fn rest_api_template_renders_as_snapshotted() {
        for (path, contents) in render("myapp", Template::RestApi, "\"0.1.0\"") {
            insta::assert_snapshot!(
                format!("rest_api_{}", path.replace(['/', '.'], "_")),
                contents
            );
        }
    }
}
