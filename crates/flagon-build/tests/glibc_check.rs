//! The bootstrap checker on real ELF files: this test binary itself (linked against the host's
//! glibc) and copies of it patched to need a glibc that does not exist or to claim another CPU.

use std::path::{Path, PathBuf};

use flagon_build::elf::{AL2023_GLIBC, GlibcVersion, check_bootstrap, inspect};
use flagon_build::{Arch, BuildError};

fn this_binary() -> (PathBuf, Vec<u8>) {
    let path = std::env::current_exe().unwrap();
    let bytes = std::fs::read(&path).unwrap();
    (path, bytes)
}

fn host() -> Arch {
    Arch::host().expect("tests run on x86_64 or aarch64")
}

/// Replaces the first occurrence of `from` (same length as `to`) in `bytes`.
fn patch(bytes: &mut [u8], from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let at = bytes
        .windows(from.len())
        .position(|window| window == from)
        .expect("string to patch is present");
    bytes[at..at + to.len()].copy_from_slice(to);
}

fn write(dir: &Path, bytes: &[u8]) -> PathBuf {
    let path = dir.join("bootstrap");
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The base symbol version glibc gives every symbol of the architecture's first release.
fn base_version() -> &'static [u8] {
    match host() {
        Arch::X86_64 => b"GLIBC_2.2.5\0",
        Arch::Arm64 => b"GLIBC_2.17\0",
    }
}

#[test]
fn host_test_binary_is_read_with_its_arch_and_glibc_needs() {
    let (path, bytes) = this_binary();
    let report = inspect(&bytes, &path).unwrap();
    assert_eq!(report.arch, Some(host()));
    let base = std::str::from_utf8(&base_version()[..base_version().len() - 1]).unwrap();
    assert!(
        report
            .glibc
            .contains(&GlibcVersion::parse_symbol_version(base).unwrap()),
        "{:?} lacks {base}",
        report.glibc
    );
}

#[test]
fn binary_needing_glibc_2_99_is_refused_naming_the_version() {
    let (_, mut bytes) = this_binary();
    let to: &[u8] = match host() {
        Arch::X86_64 => b"GLIBC_2.99\0\0",
        Arch::Arm64 => b"GLIBC_2.99\0",
    };
    patch(&mut bytes, base_version(), to);
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), &bytes);

    let err = check_bootstrap(&path, host(), AL2023_GLIBC).unwrap_err();
    assert!(
        matches!(&err, BuildError::GlibcTooNew { needed, .. } if needed == "GLIBC_2.99"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("newer than the GLIBC_2.34 of Amazon Linux 2023"),
        "{err}"
    );
    assert!(err.help().unwrap().contains("cargo-zigbuild"));
}

#[test]
fn binary_for_another_cpu_is_refused() {
    let (_, mut bytes) = this_binary();
    // e_machine is the little-endian u16 at offset 18 of the ELF header.
    let (other, machine): (Arch, u16) = match host() {
        Arch::X86_64 => (Arch::Arm64, 183),
        Arch::Arm64 => (Arch::X86_64, 62),
    };
    bytes[18..20].copy_from_slice(&machine.to_le_bytes());
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), &bytes);

    let err = check_bootstrap(&path, host(), AL2023_GLIBC).unwrap_err();
    assert!(
        matches!(&err, BuildError::WrongArch { found, expected, .. } if found == other.as_str() && *expected == host().as_str()),
        "{err}"
    );
}

#[test]
fn limit_is_inclusive_and_anything_above_it_fails() {
    let (path, bytes) = this_binary();
    let newest = inspect(&bytes, &path)
        .unwrap()
        .max_glibc()
        .expect("the test binary links glibc");
    check_bootstrap(&path, host(), newest).unwrap();
    let older = GlibcVersion {
        major: 2,
        minor: 0,
        patch: 0,
    };
    assert!(matches!(
        check_bootstrap(&path, host(), older),
        Err(BuildError::GlibcTooNew { .. })
    ));
}
