//! Dispatch overhead: written below once the crate compiles.
fn main() {}
