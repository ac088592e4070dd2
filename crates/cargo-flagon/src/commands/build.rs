//! `cargo flagon build`: the release bootstrap zip.

use std::path::PathBuf;

use clap::ValueEnum;
use flagon_build::{Arch, BuildOptions, Toolchain};

use super::{CargoArgs, ProjectArgs};
use crate::error::CliError;

/// Build the release `bootstrap` for Lambda (provided.al2023) and zip it.
///
/// Writes `.flagon/build/<arch>/bootstrap` and `.flagon/build/<arch>/bootstrap.zip` in the
/// project, for `--arch`, or else for every architecture the stage's functions use (set by
/// `architecture` in Flagon.toml, default x86_64; finding them builds the app in debug once). The binary is checked before it is zipped: it must be for the requested CPU and
/// need no glibc newer than 2.34 (Amazon Linux 2023). The zip is reproducible: the same
/// binary gives the same bytes and the same CodeSha256, which is printed.
///
/// The release profile (strip, thin LTO, one codegen unit, panic=unwind) is passed to cargo
/// with `--config`; the project's Cargo.toml needs none of it.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub project: ProjectArgs,

    /// The CPU architecture to build for; default: those the stage's functions use.
    #[arg(long, value_enum)]
    pub arch: Option<ArchArg>,

    /// How to build a binary that starts on Amazon Linux 2023. `auto` picks the first that
    /// works of: zigbuild (cargo-zigbuild, links glibc 2.17, cross-compiles; needs
    /// `cargo install cargo-zigbuild` and `pip install ziglang`), musl (static; needs
    /// `rustup target add <arch>-unknown-linux-musl`, host arch only), native (host arch and a
    /// host glibc of 2.34 or older).
    #[arg(long, value_enum, default_value_t = ToolchainArg::Auto)]
    pub toolchain: ToolchainArg,

    /// Where to write `bootstrap` and `bootstrap.zip`, instead of `.flagon/build/<arch>/`
    /// (`DIR/<arch>/` when the stage uses both architectures).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    #[command(flatten)]
    pub cargo: CargoArgs,
}

/// `--arch` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ArchArg {
    /// Intel/AMD 64-bit, Lambda's default.
    #[value(name = "x86_64")]
    X86_64,
    /// Graviton (aarch64).
    #[value(name = "arm64")]
    Arm64,
}

impl From<ArchArg> for Arch {
    fn from(arch: ArchArg) -> Self {
        match arch {
            ArchArg::X86_64 => Arch::X86_64,
            ArchArg::Arm64 => Arch::Arm64,
        }
    }
}

/// `--toolchain` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ToolchainArg {
    /// The first that works of zigbuild, musl, native.
    Auto,
    /// cargo-zigbuild, glibc 2.17.
    Zigbuild,
    /// The musl target, statically linked.
    Musl,
    /// cargo build with the host's linker and glibc.
    Native,
}

impl From<ToolchainArg> for Toolchain {
    fn from(toolchain: ToolchainArg) -> Self {
        match toolchain {
            ToolchainArg::Auto => Toolchain::Auto,
            ToolchainArg::Zigbuild => Toolchain::Zigbuild,
            ToolchainArg::Musl => Toolchain::Musl,
            ToolchainArg::Native => Toolchain::Native,
        }
    }
}

impl BuildArgs {
    /// The library's options for these flags, building for `arch` into `out_dir`.
    pub fn options(&self, arch: Arch, out_dir: Option<PathBuf>) -> BuildOptions {
        BuildOptions {
            arch,
            toolchain: self.toolchain.into(),
            locked: self.cargo.locked,
            offline: self.cargo.offline,
            out_dir,
            ..BuildOptions::default()
        }
    }
}

/// Runs `cargo flagon build`.
pub fn run(args: &BuildArgs) -> Result<(), CliError> {
    let project = args.project.project()?;
    let arches = match args.arch {
        Some(arch) => vec![arch.into()],
        None => {
            flagon_build::stage_architectures(&project, &args.project.stage, &args.cargo.into())?
        }
    };
    for &arch in &arches {
        let out_dir = args.out_dir.as_ref().map(|dir| {
            if arches.len() > 1 {
                dir.join(arch.as_str())
            } else {
                dir.clone()
            }
        });
        let output = flagon_build::build(&project, &args.options(arch, out_dir))?;
        let glibc = output.max_glibc.map_or_else(
            || "static, no glibc".to_owned(),
            |version| format!("needs up to {version}"),
        );
        println!(
            "built {} for {} with {} ({glibc})\n{} ({} bytes)\nCodeSha256 {}",
            project.bin,
            output.arch,
            output.strategy.name(),
            output.zip.display(),
            output.zip_size,
            output.code_sha256
        );
    }
    Ok(())
}
