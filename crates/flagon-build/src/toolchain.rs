//! Choosing how to build a binary that starts on Amazon Linux 2023 (glibc 2.34).
//!
//! In order of preference, for [`Toolchain::Auto`]:
//!
//! 1. **cargo-zigbuild** with target `<arch>-unknown-linux-gnu.2.17`: links against glibc
//!    2.17 whatever the host's glibc, and cross-compiles arm64 from x86_64 (and back) with
//!    only `rustup target add`. zig comes from `zig` on `PATH` or from the PyPI package
//!    `ziglang` (`python3 -m ziglang`, or the Python in `CARGO_ZIGBUILD_PYTHON_PATH`).
//! 2. **musl** (`<arch>-unknown-linux-musl`), when that Rust target is installed and the
//!    arch is the host's (a cross musl linker is rarely at hand): static, no glibc at all.
//! 3. **native** glibc build, when the arch is the host's and the host glibc is 2.34 or older,
//!    so no symbol can be newer than Lambda's.
//!
//! Whatever builds the binary, [`crate::elf::check_bootstrap`] checks it afterwards.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::elf::{AL2023_GLIBC, GlibcVersion};
use crate::{Arch, BuildError};

/// What the user asked for (`--toolchain`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Toolchain {
    /// The first that works of zigbuild, musl, native.
    #[default]
    Auto,
    /// cargo-zigbuild, glibc 2.17.
    Zigbuild,
    /// The musl target, statically linked.
    Musl,
    /// cargo build for the glibc target with the host's linker.
    Native,
}

/// How the build will actually run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Strategy {
    /// `cargo zigbuild --target <arch>-unknown-linux-gnu.2.17`.
    Zigbuild {
        /// The Python to run `-m ziglang` with, when zig is not on `PATH`.
        python: Option<PathBuf>,
    },
    /// `cargo build --target <arch>-unknown-linux-musl`.
    Musl,
    /// `cargo build --target <arch>-unknown-linux-gnu` with the host's linker.
    Native,
}

impl Strategy {
    /// The target triple passed to cargo.
    pub fn target(&self, arch: Arch) -> &'static str {
        match self {
            Strategy::Zigbuild { .. } => arch.zigbuild_target(),
            Strategy::Musl => arch.musl_target(),
            Strategy::Native => arch.gnu_target(),
        }
    }

    /// A short name for messages: `zigbuild`, `musl`, `native`.
    pub fn name(&self) -> &'static str {
        match self {
            Strategy::Zigbuild { .. } => "zigbuild",
            Strategy::Musl => "musl",
            Strategy::Native => "native",
        }
    }
}

impl Toolchain {
    /// Picks the strategy for `arch`, or says what to install.
    pub fn resolve(self, arch: Arch) -> Result<Strategy, BuildError> {
        let missing = |reason: String, help: String| BuildError::Toolchain {
            arch: arch.as_str(),
            reason,
            help,
        };
        match self {
            Toolchain::Zigbuild => zigbuild(arch).map_err(|(reason, help)| missing(reason, help)),
            Toolchain::Musl => {
                if target_installed(arch.musl_target()) {
                    Ok(Strategy::Musl)
                } else {
                    Err(missing(
                        format!("the Rust target {} is not installed", arch.musl_target()),
                        format!("rustup target add {}", arch.musl_target()),
                    ))
                }
            }
            Toolchain::Native => native(arch).map_err(|reason| {
                missing(reason, "use `--toolchain zigbuild` (`cargo install cargo-zigbuild`, `pip install ziglang`)".to_owned())
            }),
            Toolchain::Auto => {
                let zig_err = match zigbuild(arch) {
                    Ok(strategy) => return Ok(strategy),
                    Err(err) => err,
                };
                if Arch::host() == Some(arch) && target_installed(arch.musl_target()) {
                    return Ok(Strategy::Musl);
                }
                let native_err = match native(arch) {
                    Ok(strategy) => return Ok(strategy),
                    Err(err) => err,
                };
                let on_host = Arch::host() == Some(arch);
                let musl = if on_host { "no musl target" } else { "musl only builds for the host" };
                let help = if on_host {
                    format!("{}; or `rustup target add {}`", zig_err.1, arch.musl_target())
                } else {
                    zig_err.1
                };
                Err(missing(format!("{}; {musl}; no native build: {native_err}", zig_err.0), help))
            }
        }
    }
}

/// zigbuild if cargo-zigbuild, zig and the Rust target are all there; else (reason, help).
fn zigbuild(arch: Arch) -> Result<Strategy, (String, String)> {
    // Asked through cargo, as the build will run it: found on PATH or in $CARGO_HOME/bin.
    // (`cargo zigbuild --version` is refused; `--help` answers 0 when it is installed.)
    if !succeeds(Command::new(crate::cargo_program()).args(["zigbuild", "--help"])) {
        return Err((
            "cargo-zigbuild is not installed".to_owned(),
            "cargo install --locked cargo-zigbuild".to_owned(),
        ));
    }
    let python = if succeeds(Command::new("zig").arg("version")) {
        None
    } else {
        let python = std::env::var_os("CARGO_ZIGBUILD_PYTHON_PATH")
            .map_or_else(|| PathBuf::from("python3"), PathBuf::from);
        if !succeeds(Command::new(&python).args(["-m", "ziglang", "version"])) {
            return Err((
                "zig is not installed (no `zig` on PATH, no `python3 -m ziglang`)".to_owned(),
                "pip install ziglang (into the python3 on PATH, or point CARGO_ZIGBUILD_PYTHON_PATH at its Python)".to_owned(),
            ));
        }
        Some(python)
    };
    if !target_installed(arch.gnu_target()) {
        return Err((
            format!("the Rust target {} is not installed", arch.gnu_target()),
            format!("rustup target add {}", arch.gnu_target()),
        ));
    }
    Ok(Strategy::Zigbuild { python })
}

/// native if the arch is the host's and the host glibc is not newer than Lambda's.
fn native(arch: Arch) -> Result<Strategy, String> {
    if Arch::host() != Some(arch) {
        return Err(format!(
            "the host is {}, not {arch}",
            std::env::consts::ARCH
        ));
    }
    match host_glibc() {
        Some(glibc) if glibc <= AL2023_GLIBC => Ok(Strategy::Native),
        Some(glibc) => Err(format!(
            "the host glibc {glibc} is newer than Amazon Linux 2023's {AL2023_GLIBC}"
        )),
        None => Err("the host has no glibc (or `getconf GNU_LIBC_VERSION` failed)".to_owned()),
    }
}

/// The host's glibc version, from `getconf GNU_LIBC_VERSION` (`glibc 2.36`).
pub fn host_glibc() -> Option<GlibcVersion> {
    let output = Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let version = text.trim().strip_prefix("glibc ")?;
    GlibcVersion::parse_symbol_version(&format!("GLIBC_{version}"))
}

/// Whether the standard library for `triple` is in the active toolchain's sysroot. Asking the
/// sysroot works with and without rustup.
fn target_installed(triple: &str) -> bool {
    let Ok(output) = Command::new("rustc")
        .args(["--print", "sysroot"])
        .stderr(Stdio::null())
        .output()
    else {
        return false;
    };
    let sysroot = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    PathBuf::from(sysroot)
        .join("lib")
        .join("rustlib")
        .join(triple)
        .join("lib")
        .is_dir()
}

fn succeeds(command: &mut Command) -> bool {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_target_is_installed_and_a_made_up_one_is_not() {
        let host = format!("{}-unknown-linux-gnu", std::env::consts::ARCH);
        assert!(target_installed(&host), "{host}");
        assert!(!target_installed("nonexistent-unknown-none"));
    }

    #[test]
    fn strategies_target_the_right_triples() {
        assert_eq!(
            Strategy::Zigbuild { python: None }.target(Arch::Arm64),
            "aarch64-unknown-linux-gnu.2.17"
        );
        assert_eq!(
            Strategy::Musl.target(Arch::X86_64),
            "x86_64-unknown-linux-musl"
        );
        assert_eq!(
            Strategy::Native.target(Arch::X86_64),
            "x86_64-unknown-linux-gnu"
        );
    }

    #[test]
    fn native_build_is_refused_exactly_when_the_host_glibc_is_too_new() {
        let host = Arch::host().expect("tests run on x86_64 or aarch64");
        match (Toolchain::Native.resolve(host), host_glibc()) {
            (Ok(strategy), Some(glibc)) => {
                assert_eq!(strategy, Strategy::Native);
                assert!(glibc <= AL2023_GLIBC);
            }
            (Err(err), Some(glibc)) => {
                assert!(glibc > AL2023_GLIBC, "{err}");
                assert!(
                    err.to_string().contains("newer than Amazon Linux 2023's"),
                    "{err}"
                );
                assert!(err.help().unwrap().contains("zigbuild"));
            }
            (result, None) => assert!(result.is_err(), "no glibc, yet a native build was chosen"),
        }
    }

    #[test]
    fn musl_is_chosen_when_installed_and_otherwise_says_how_to_install_it() {
        let arch = Arch::host().expect("tests run on x86_64 or aarch64");
        match Toolchain::Musl.resolve(arch) {
            Ok(strategy) => {
                assert!(target_installed(arch.musl_target()) && strategy == Strategy::Musl);
            }
            Err(err) => {
                assert!(!target_installed(arch.musl_target()), "{err}");
                assert_eq!(
                    err.help().unwrap(),
                    format!("rustup target add {}", arch.musl_target())
                );
            }
        }
    }

    #[test]
    fn native_build_for_another_cpu_is_refused() {
        let other = match Arch::host() {
            Some(Arch::X86_64) => Arch::Arm64,
            _ => Arch::X86_64,
        };
        let err = Toolchain::Native.resolve(other).unwrap_err();
        assert!(err.to_string().contains("the host is"), "{err}");
    }
}
