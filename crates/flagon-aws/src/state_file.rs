//! `.flagon/deployed/<stage>.json`: read, and written atomically (a temporary file in the same
//! directory, then a rename), so that a deploy cut off at any point leaves either the old or
//! the new state, never half of one.

use std::io::Write;
use std::path::{Path, PathBuf};

use flagon_plan::State;

use crate::error::AwsError;

/// The state file of `stage` under the project directory `root`.
pub fn state_path(root: &Path, stage: &str) -> PathBuf {
    root.join(".flagon")
        .join("deployed")
        .join(format!("{stage}.json"))
}

/// Reads a state file; `None` when the stage was never deployed.
pub fn load_state(path: &Path) -> Result<Option<State>, AwsError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(AwsError::StateFile {
                action: "read",
                path: path.to_owned(),
                source,
            });
        }
    };
    State::from_json(&text)
        .map(Some)
        .map_err(|source| AwsError::StateParse {
            path: path.to_owned(),
            source,
        })
}

/// Writes a state file atomically, creating its directory.
pub fn save_state(path: &Path, state: &State) -> Result<(), AwsError> {
    let err = |source| AwsError::StateFile {
        action: "write",
        path: path.to_owned(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(err)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(state.to_json().as_bytes())?;
        file.write_all(b"\n")?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        err(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_state_reads_back_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = state_path(dir.path(), "dev");
        assert_eq!(load_state(&path).unwrap(), None);
        let state = State::new("app", "dev");
        save_state(&path, &state).unwrap();
        assert_eq!(load_state(&path).unwrap(), Some(state));
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["dev.json".to_owned()]);
    }
}
