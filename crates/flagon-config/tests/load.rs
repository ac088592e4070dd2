//! Reading Flagon.toml and the policy files it names from disk.

use std::path::{Path, PathBuf};

use flagon_config::{Config, ConfigError, Iam, Overrides};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn load_reads_the_file_and_its_policy_files() {
    let config = Config::load(fixture("app/Flagon.toml")).unwrap();
    assert_eq!(config.app(), Some("helloworld"));
    assert_eq!(config.stages(), ["prod"]);
    assert_eq!(
        config.policy_files(),
        [PathBuf::from("policies/resize.json")]
    );
    let policy = config
        .policy_document(Path::new("policies/resize.json"))
        .unwrap();
    assert_eq!(policy["Statement"][0]["Action"][0], "s3:GetObject");

    let none = Overrides::default();
    let dev = config.resolve("dev", "on_upload", &none).unwrap();
    assert_eq!((dev.memory, dev.timeout, dev.iam), (1024, 30, Iam::Managed));
    let prod = config.resolve("prod", "on_upload", &none).unwrap();
    assert_eq!(
        (prod.memory, prod.timeout, prod.log_retention_days),
        (512, 60, Some(30))
    );
    assert_eq!(
        prod.iam,
        Iam::RoleArn("arn:aws:iam::123456789012:role/x".into())
    );
    // The stage's role ARN outranks the function's policy file.
    let resize = config.resolve("prod", "resize", &none).unwrap();
    assert!(matches!(resize.iam, Iam::RoleArn(_)));
    let resize = config.resolve("dev", "resize", &none).unwrap();
    assert_eq!(resize.iam, Iam::PolicyFile("policies/resize.json".into()));
}

#[test]
fn missing_file_is_a_read_error_naming_it() {
    let path = fixture("nowhere/Flagon.toml");
    let err = Config::load(&path).unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with(&format!("read {}: ", path.display())),
        "{err}"
    );
}

#[test]
fn policy_file_without_statements_is_refused() {
    let err = Config::load(fixture("bad-policy/Flagon.toml")).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "load policy file {} (set by `iam_policy_file`): an IAM policy document needs a `Statement` array",
            fixture("bad-policy/policy.json").display()
        )
    );
}

#[test]
fn first_problem_in_the_file_is_the_one_reported() {
    // The parsed table is sorted by key; the report follows the file.
    let err = Config::parse("Flagon.toml", "zzz = 1\naaa = 2\n").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("load Flagon.toml:1:1: unknown key `zzz`"),
        "{err}"
    );
}

#[test]
fn project_without_flagon_toml_gets_every_default() {
    let config = Config::load_project(fixture("no-config")).unwrap();
    assert_eq!(config.app(), None);
    let s = config.resolve("dev", "f", &Overrides::default()).unwrap();
    assert_eq!(
        (s.memory, s.timeout, s.iam, s.vpc, s.xray),
        (128, 60, Iam::Managed, None, false)
    );
    let stage = config.stage_settings("dev", &Overrides::default()).unwrap();
    assert_eq!(stage.api_stage, "api");
}

#[test]
fn project_with_flagon_toml_loads_it() {
    let config = Config::load_project(fixture("app")).unwrap();
    assert_eq!(config.app(), Some("helloworld"));
    assert!(
        config
            .policy_document(Path::new("policies/resize.json"))
            .is_some()
    );
}
