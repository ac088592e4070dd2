//! The CPU a Lambda function runs on.

use std::fmt;
use std::str::FromStr;

/// A Lambda architecture.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Arch {
    /// `x86_64`, Lambda's default.
    #[default]
    X86_64,
    /// `arm64` (Graviton).
    Arm64,
}

impl Arch {
    /// Lambda's spelling: `x86_64` or `arm64`.
    pub fn as_str(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Arm64 => "arm64",
        }
    }

    /// The glibc target triple.
    pub fn gnu_target(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64-unknown-linux-gnu",
            Arch::Arm64 => "aarch64-unknown-linux-gnu",
        }
    }

    /// The triple cargo-zigbuild accepts to link against glibc 2.17.
    pub fn zigbuild_target(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64-unknown-linux-gnu.2.17",
            Arch::Arm64 => "aarch64-unknown-linux-gnu.2.17",
        }
    }

    /// The statically linked musl triple.
    pub fn musl_target(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64-unknown-linux-musl",
            Arch::Arm64 => "aarch64-unknown-linux-musl",
        }
    }

    /// The architecture of the machine running this code, if Lambda has it.
    pub fn host() -> Option<Arch> {
        match std::env::consts::ARCH {
            "x86_64" => Some(Arch::X86_64),
            "aarch64" => Some(Arch::Arm64),
            _ => None,
        }
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing an [`Arch`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("read architecture `{0}`: expected `x86_64` or `arm64`")]
pub struct ParseArchError(String);

impl FromStr for Arch {
    type Err = ParseArchError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "x86_64" => Ok(Arch::X86_64),
            "arm64" => Ok(Arch::Arm64),
            other => Err(ParseArchError(other.to_owned())),
        }
    }
}
