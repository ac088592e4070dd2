//! The deployment zip: `bootstrap` at the root, byte-for-byte reproducible.
//!
//! Lambda compares a function's `CodeSha256` (base64 of the zip's SHA-256) and the deploy skips
//! functions whose zip did not change, so the zip must depend only on the binary's bytes:
//! fixed timestamp (1980-01-01 00:00, the zip epoch), fixed mode (0o755, the bootstrap must
//! be executable), fixed compression level, no extra fields.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::BuildError;

/// The name Lambda's `provided.*` runtimes execute.
pub const BOOTSTRAP: &str = "bootstrap";

/// Zips `binary` as `bootstrap` into memory, deterministically.
pub fn zip_bootstrap(binary: &[u8]) -> Result<Vec<u8>, zip::result::ZipError> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(DateTime::DEFAULT)
        .unix_permissions(0o755);
    let mut writer = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    writer.start_file(BOOTSTRAP, options)?;
    writer.write_all(binary)?;
    Ok(writer.finish()?.into_inner())
}

/// Zips the file at `binary` into `zip_path` and returns the zip's [`code_sha256`].
pub fn write_bootstrap_zip(binary: &Path, zip_path: &Path) -> Result<String, BuildError> {
    let bytes = std::fs::read(binary).map_err(BuildError::io("read", binary))?;
    let zipped = zip_bootstrap(&bytes).map_err(|source| BuildError::Zip {
        path: zip_path.to_path_buf(),
        source,
    })?;
    write_atomically(zip_path, &zipped)?;
    Ok(code_sha256(&zipped))
}

/// Base64 of the SHA-256 of `bytes`: what Lambda reports as a function's `CodeSha256`.
pub fn code_sha256(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes))
}

/// Writes to a temporary file beside `path`, then renames: a reader never sees half a file,
/// and two builds of one project at once (parallel tests, two terminals) each rename a
/// complete file of their own into place.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), BuildError> {
    write_atomically_with_mode(path, bytes, None)
}

/// [`write_atomically`], setting the Unix mode of the file (`0o755` for an executable).
pub(crate) fn write_atomically_with_mode(
    path: &Path,
    bytes: &[u8],
    mode: Option<u32>,
) -> Result<(), BuildError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.{unique}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(BuildError::io("write", &tmp))?;
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(mode))
            .map_err(BuildError::io("set the permissions of", &tmp))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    std::fs::rename(&tmp, path).map_err(BuildError::io("rename into place", path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_sha256_is_base64_of_the_digest() {
        // printf '' | sha256sum | xxd -r -p | base64
        assert_eq!(
            code_sha256(b""),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }
}
