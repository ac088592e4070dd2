//! Configuration errors. Each names where the problem is (file, line, column, key) and reads
//! after "failed to".

use std::fmt;
use std::path::PathBuf;

/// A position in a configuration file, 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file as given to [`Config::parse`](crate::Config::parse).
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column (in characters), from 1.
    pub column: usize,
}

impl Location {
    /// The location of byte `offset` of `text`.
    pub fn at(file: &str, text: &str, offset: usize) -> Self {
        let offset = offset.min(text.len());
        let before = text.get(..offset).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        Self {
            file: file.to_owned(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// A configuration that could not be read, validated or resolved.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Not TOML, or TOML with a misspelt key, a wrong type or an out-of-range value.
    #[error("load {location}: {message}")]
    Invalid {
        /// Where.
        location: Location,
        /// The key's dotted path from the root (`stages.prod.functions.on_upload.memory`);
        /// empty for a TOML syntax error.
        key: String,
        /// What is wrong, naming the key and its table.
        message: String,
    },
    /// A `[functions.NAME]` table naming no function of the app.
    #[error(
        "load {location}: [{table}] names no function of the app; its functions are: {}",
        list(functions)
    )]
    UnknownFunction {
        /// Where the table is declared.
        location: Location,
        /// The table (`functions.on_uplaod`, `stages.prod.functions.on_uplaod`).
        table: String,
        /// The unknown name.
        name: String,
        /// The app's functions, from the manifest.
        functions: Vec<String>,
    },
    /// A value given on the command line is out of range or malformed.
    #[error("apply command-line setting `{key}`: {message}")]
    Override {
        /// The setting.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// Settings that are valid one by one but not together once resolved.
    #[error("resolve the settings of {scope}: {message}")]
    Resolve {
        /// `function `on_upload` in stage `prod`` or `stage `prod``.
        scope: String,
        /// What is wrong.
        message: String,
    },
    /// A policy file named by `iam_policy_file` could not be read or is not a policy.
    #[error("load policy file {} (set by `iam_policy_file`): {message}", path.display())]
    PolicyFile {
        /// The file, as resolved against the directory of Flagon.toml.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "(none)".to_owned()
    } else {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_counts_lines_and_characters_from_one() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(Location::at("F", text, 0).to_string(), "F:1:1");
        let offset = text
            .find('=')
            .map(|_| text.rfind('=').unwrap_or(0))
            .unwrap_or(0);
        assert_eq!(Location::at("F", text, offset).to_string(), "F:2:4");
    }
}
