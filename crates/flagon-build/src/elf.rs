//! Checking a built `bootstrap` before it is packaged: the right CPU, and no glibc symbol
//! version newer than Amazon Linux 2023's.
//!
//! A binary linked on a host with a newer glibc may need `GLIBC_2.38` symbols; Lambda's
//! `provided.al2023` runtime then refuses to start it with a loader error that only shows up
//! in CloudWatch. We read the ELF's version-needs table (`.gnu.version_r`) and fail at build
//! time instead. Statically linked binaries (musl) have no such table and always pass.

use std::fmt;
use std::path::Path;

use goblin::elf::Elf;
use goblin::elf::header::{EM_AARCH64, EM_X86_64};

use crate::{Arch, BuildError};

/// The glibc of Amazon Linux 2023, the `provided.al2023` runtime.
pub const AL2023_GLIBC: GlibcVersion = GlibcVersion {
    major: 2,
    minor: 34,
    patch: 0,
};

/// A glibc symbol version such as `GLIBC_2.2.5`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GlibcVersion {
    /// Major version (2).
    pub major: u32,
    /// Minor version.
    pub minor: u32,
    /// Patch version, 0 when absent.
    pub patch: u32,
}

impl GlibcVersion {
    /// Parses a version-need name (`GLIBC_2.34`, `GLIBC_2.2.5`); `None` for anything else
    /// (`GLIBC_PRIVATE`, `GCC_3.0`).
    pub fn parse_symbol_version(name: &str) -> Option<Self> {
        let mut parts = name
            .strip_prefix("GLIBC_")?
            .split('.')
            .map(str::parse::<u32>);
        let major = parts.next()?.ok()?;
        let minor = parts.next()?.ok()?;
        let patch = match parts.next() {
            Some(patch) => patch.ok()?,
            None => 0,
        };
        parts.next().is_none().then_some(GlibcVersion {
            major,
            minor,
            patch,
        })
    }
}

impl fmt::Display for GlibcVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GLIBC_{}.{}", self.major, self.minor)?;
        if self.patch != 0 {
            write!(f, ".{}", self.patch)?;
        }
        Ok(())
    }
}

/// What the checker found in a binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfReport {
    /// The CPU the binary is for, when it is one Lambda runs.
    pub arch: Option<Arch>,
    /// The ELF `e_machine` value, for error messages about other CPUs.
    pub machine: u16,
    /// Every glibc symbol version the binary needs, sorted, without duplicates. Empty for a
    /// static binary.
    pub glibc: Vec<GlibcVersion>,
}

impl ElfReport {
    /// The newest glibc version the binary needs, if it needs glibc at all.
    pub fn max_glibc(&self) -> Option<GlibcVersion> {
        self.glibc.last().copied()
    }
}

/// Reads the architecture and the glibc version needs of an ELF file in memory.
pub fn inspect(bytes: &[u8], path: &Path) -> Result<ElfReport, BuildError> {
    let elf = Elf::parse(bytes).map_err(|err| BuildError::Elf {
        path: path.to_path_buf(),
        reason: err.to_string(),
    })?;
    let machine = elf.header.e_machine;
    let arch = match machine {
        EM_X86_64 => Some(Arch::X86_64),
        EM_AARCH64 => Some(Arch::Arm64),
        _ => None,
    };
    let mut glibc: Vec<GlibcVersion> = elf
        .verneed
        .iter()
        .flat_map(|section| section.iter())
        .flat_map(|need| need.iter().map(|aux| aux.vna_name).collect::<Vec<_>>())
        .filter_map(|name| elf.dynstrtab.get_at(name))
        .filter_map(GlibcVersion::parse_symbol_version)
        .collect();
    glibc.sort_unstable();
    glibc.dedup();
    Ok(ElfReport {
        arch,
        machine,
        glibc,
    })
}

/// Checks that the binary at `path` is for `arch` and needs no glibc newer than `max`.
pub fn check_bootstrap(
    path: &Path,
    arch: Arch,
    max: GlibcVersion,
) -> Result<ElfReport, BuildError> {
    let bytes = std::fs::read(path).map_err(BuildError::io("read", path))?;
    check_bytes(&bytes, path, arch, max)
}

/// [`check_bootstrap`] on a binary already in memory; `path` names it in errors.
pub fn check_bytes(
    bytes: &[u8],
    path: &Path,
    arch: Arch,
    max: GlibcVersion,
) -> Result<ElfReport, BuildError> {
    let report = inspect(bytes, path)?;
    if report.arch != Some(arch) {
        return Err(BuildError::WrongArch {
            path: path.to_path_buf(),
            found: report.arch.map_or_else(
                || format!("ELF machine {}", report.machine),
                |found| found.as_str().to_owned(),
            ),
            expected: arch.as_str(),
        });
    }
    let too_new: Vec<String> = report
        .glibc
        .iter()
        .filter(|version| **version > max)
        .map(ToString::to_string)
        .collect();
    if !too_new.is_empty() {
        return Err(BuildError::GlibcTooNew {
            path: path.to_path_buf(),
            needed: too_new.join(", "),
            max: (max.major, max.minor),
        });
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbol_versions_parse_with_and_without_patch() {
        assert_eq!(
            GlibcVersion::parse_symbol_version("GLIBC_2.34"),
            Some(GlibcVersion {
                major: 2,
                minor: 34,
                patch: 0
            })
        );
        assert_eq!(
            GlibcVersion::parse_symbol_version("GLIBC_2.2.5"),
            Some(GlibcVersion {
                major: 2,
                minor: 2,
                patch: 5
            })
        );
        assert_eq!(GlibcVersion::parse_symbol_version("GLIBC_PRIVATE"), None);
        assert_eq!(GlibcVersion::parse_symbol_version("GCC_3.0"), None);
        assert_eq!(GlibcVersion::parse_symbol_version("GLIBC_2.3.4.5"), None);
    }

    #[test]
    fn versions_order_numerically_not_as_text() {
        let v = |name| GlibcVersion::parse_symbol_version(name).unwrap();
        assert!(v("GLIBC_2.2.5") < v("GLIBC_2.17"));
        assert!(v("GLIBC_2.17") < v("GLIBC_2.34"));
        assert!(v("GLIBC_2.34") < v("GLIBC_2.99"));
        assert_eq!(v("GLIBC_2.2.5").to_string(), "GLIBC_2.2.5");
    }

    #[test]
    fn non_elf_input_is_a_readable_error() {
        let err = inspect(b"#!/bin/sh\necho hi\n", Path::new("bootstrap")).unwrap_err();
        assert!(
            err.to_string().starts_with("read the ELF binary bootstrap"),
            "{err}"
        );
    }
}
