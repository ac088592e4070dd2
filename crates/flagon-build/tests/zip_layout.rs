//! The deployment zip: layout Lambda expects, and bytes that depend only on the binary.

use std::io::Read;

use flagon_build::{code_sha256, write_bootstrap_zip, zip_bootstrap};

const BINARY: &[u8] =
    b"\x7fELF pretend binary contents, long enough to be deflated: aaaaaaaaaaaaaaaaaaaaaaaaaaaa";

#[test]
fn bootstrap_is_the_only_entry_at_the_zip_root_with_mode_0755_and_the_zip_epoch() {
    let zipped = zip_bootstrap(BINARY).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zipped)).unwrap();
    assert_eq!(archive.len(), 1);
    let mut entry = archive.by_index(0).unwrap();
    assert_eq!(entry.name().unwrap(), "bootstrap");
    assert_eq!(entry.unix_mode().map(|mode| mode & 0o777), Some(0o755));
    let modified = entry.last_modified().unwrap();
    assert_eq!(
        (
            modified.year(),
            modified.month(),
            modified.day(),
            modified.hour(),
            modified.minute(),
            modified.second()
        ),
        (1980, 1, 1, 0, 0, 0)
    );
    let mut contents = Vec::new();
    entry.read_to_end(&mut contents).unwrap();
    assert_eq!(contents, BINARY);
}

#[test]
fn same_binary_gives_the_same_zip_bytes_and_sha_whatever_the_file_times() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("bootstrap");
    std::fs::write(&binary, BINARY).unwrap();
    let first_zip = dir.path().join("first.zip");
    let first_sha = write_bootstrap_zip(&binary, &first_zip).unwrap();

    // Give the file another mtime and other permissions: the zip must not change.
    let file = std::fs::File::options().write(true).open(&binary).unwrap();
    file.set_modified(
        std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(2_000_000_000),
    )
    .unwrap();
    drop(file);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let second_zip = dir.path().join("second.zip");
    let second_sha = write_bootstrap_zip(&binary, &second_zip).unwrap();

    let first_bytes = std::fs::read(&first_zip).unwrap();
    assert_eq!(first_bytes, std::fs::read(&second_zip).unwrap());
    assert_eq!(first_sha, second_sha);
    assert_eq!(first_sha, code_sha256(&first_bytes));
}

#[test]
fn changed_binary_changes_the_sha() {
    let before = code_sha256(&zip_bootstrap(BINARY).unwrap());
    let after = code_sha256(&zip_bootstrap(b"\x7fELF another binary").unwrap());
    assert_ne!(before, after);
}
