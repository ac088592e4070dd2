//! Building a Flagon app: its manifest and its Lambda deployment zip.
//!
//! Every tool learns the app from its [`Manifest`](flagon_manifest::Manifest), never from its
//! source: [`manifest`] builds the binary (debug profile, host target) and runs it with
//! `FLAGON_MANIFEST=1`. [`build`] makes the release `bootstrap` for Lambda's `provided.al2023`
//! runtime, checks it ([`elf`]: right CPU, no glibc newer than 2.34), and zips it
//! reproducibly so that unchanged code gives the same [`BuildOutput::code_sha256`], which the
//! deploy compares with Lambda's `CodeSha256` to skip unchanged functions.
//!
//! [`package`] runs the whole pipeline short of AWS: Flagon.toml and the manifest make the
//! stage's model, every architecture it uses is built, and `flagon-render` writes a SAM or
//! Terraform template beside the zip.
//!
//! This crate has no CLI concerns: `cargo flagon` turns its flags into the option structs
//! here ([`ManifestOptions`], [`BuildOptions`]).
//!
//! ```no_run
//! use flagon_build::{Arch, BuildOptions, ManifestOptions, Project};
//!
//! # fn main() -> Result<(), flagon_build::BuildError> {
//! let project = Project::discover(std::path::Path::new("."))?;
//! let manifest = flagon_build::manifest(&project, &ManifestOptions::default())?;
//! println!("{} declares {} functions", manifest.app, manifest.functions.len());
//!
//! let output = flagon_build::build(&project, &BuildOptions { arch: Arch::Arm64, ..BuildOptions::default() })?;
//! println!("{} (CodeSha256 {})", output.zip.display(), output.code_sha256);
//! # Ok(())
//! # }
//! ```

mod arch;
mod cargo;
pub mod elf;
mod error;
mod manifest;
mod package;
mod package_zip;
mod project;
mod release;
mod toolchain;

pub use arch::Arch;
pub use error::BuildError;
pub use manifest::{ManifestOptions, build_debug, manifest, manifest_of};
pub use package::{
    PackageError, PackageFormat, PackageOptions, PackageOutput, TemplateFormat, package,
    stage_architectures,
};
pub use package_zip::{BOOTSTRAP, code_sha256, write_bootstrap_zip, zip_bootstrap};
pub use project::{CONFIG_FILE, Project, cargo_program};
pub use release::{BuildOptions, BuildOutput, build};
pub use toolchain::{Strategy, Toolchain, host_glibc};
