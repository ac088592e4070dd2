//! Every kind of configuration error, with its exact message: file, line, column, key.

use flagon_config::{Config, ConfigError, Iam, Overrides};
use flagon_manifest::{Function, Manifest, Trigger};

/// (what is wrong, Flagon.toml, the exact message)
const INVALID: &[(&str, &str, &str)] = &[
    (
        "misspelt key in a function table",
        "app = \"hello\"\n[functions.on_upload]\nmemroy = 1024\n",
        "load Flagon.toml:3:1: unknown key `memroy` in [functions.on_upload]; did you mean `memory`?",
    ),
    (
        "misspelt key at the top level",
        "timout = 30\n",
        "load Flagon.toml:1:1: unknown key `timout` at the top level; did you mean `timeout`?",
    ),
    (
        "misspelt key in a stage-and-function table",
        "[stages.prod.functions.f]\nenviroment = { A = \"1\" }\n",
        "load Flagon.toml:2:1: unknown key `enviroment` in [stages.prod.functions.f]; did you mean `environment`?",
    ),
    (
        "misspelt stage table name",
        "[stage.prod]\nmemory = 256\n",
        "load Flagon.toml:1:2: unknown key `stage` at the top level; did you mean `stages`?",
    ),
    (
        "unknown key with nothing close",
        "[stages.prod]\ncolour = \"blue\"\n",
        "load Flagon.toml:2:1: unknown key `colour` in [stages.prod]; expected one of `memory`, `timeout`, `environment`, `tags`, `layers`, `architecture`, `reserved_concurrency`, `subnet_ids`, `security_group_ids`, `xray`, `log_retention_days`, `iam_role_arn`, `iam_policy_file`, `functions`, `api_type`, `api_stage`, `endpoint_type`",
    ),
    (
        "wrong type",
        "[functions.f]\nmemory = \"big\"\n",
        "load Flagon.toml:2:10: `memory` in [functions.f] must be an integer, found a string",
    ),
    (
        "wrong type in a list",
        "layers = [\"arn:aws:lambda:us-east-1:1:layer:x:1\", 3]\n",
        "load Flagon.toml:1:51: `layers` at the top level must be an array of strings, found an integer",
    ),
    (
        "wrong type of an environment value",
        "[stages.prod]\nenvironment = { PORT = 8080 }\n",
        "load Flagon.toml:2:24: `environment.PORT` in [stages.prod] must be a string, found an integer",
    ),
    (
        "a table where a table is expected is not one",
        "functions = 3\n",
        "load Flagon.toml:1:13: `functions` at the top level must be a table, found an integer",
    ),
    (
        "memory below the range",
        "memory = 64\n",
        "load Flagon.toml:1:10: `memory` at the top level must be between 128 and 10240 MB, found 64",
    ),
    (
        "memory above the range",
        "[stages.prod]\nmemory = 10241\n",
        "load Flagon.toml:2:10: `memory` in [stages.prod] must be between 128 and 10240 MB, found 10241",
    ),
    (
        "timeout out of range",
        "[functions.f]\ntimeout = 901\n",
        "load Flagon.toml:2:11: `timeout` in [functions.f] must be between 1 and 900 seconds, found 901",
    ),
    (
        "zero timeout",
        "timeout = 0\n",
        "load Flagon.toml:1:11: `timeout` at the top level must be between 1 and 900 seconds, found 0",
    ),
    (
        "negative reserved concurrency",
        "reserved_concurrency = -1\n",
        "load Flagon.toml:1:24: `reserved_concurrency` at the top level must be 0 or more, found -1",
    ),
    (
        "log retention CloudWatch does not offer",
        "log_retention_days = 2\n",
        "load Flagon.toml:1:22: `log_retention_days` at the top level must be one of CloudWatch Logs' retention periods (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653), found 2",
    ),
    (
        "unknown architecture",
        "architecture = \"aarch64\"\n",
        "load Flagon.toml:1:16: `architecture` at the top level must be one of `x86_64`, `arm64`, found `aarch64`",
    ),
    (
        "unknown API type",
        "api_type = \"graphql\"\n",
        "load Flagon.toml:1:12: `api_type` at the top level must be one of `rest`, `http`, found `graphql`",
    ),
    (
        "API setting in a function table",
        "[functions.f]\napi_type = \"http\"\n",
        "load Flagon.toml:2:1: `api_type` is an API setting and cannot be set in [functions.f]; set it at the top level or in [stages.<stage>]",
    ),
    (
        "both IAM keys",
        "iam_role_arn = \"arn:aws:iam::1:role/r\"\niam_policy_file = \"p.json\"\n",
        "load Flagon.toml:2:1: `iam_role_arn` and `iam_policy_file` are both set at the top level: keep one",
    ),
    (
        "not a role ARN",
        "[stages.prod]\niam_role_arn = \"my-role\"\n",
        "load Flagon.toml:2:16: `iam_role_arn` in [stages.prod] must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), found `my-role`",
    ),
    (
        "reserved environment variable",
        "environment = { AWS_REGION = \"eu-west-1\" }\n",
        "load Flagon.toml:1:17: `environment.AWS_REGION` at the top level is reserved: Lambda sets it itself",
    ),
    (
        "reserved tag prefix",
        "tags = { \"aws:team\" = \"x\" }\n",
        "load Flagon.toml:1:10: `tags.aws:team` at the top level uses the reserved prefix `aws:`",
    ),
    (
        "layer that is not an ARN",
        "layers = [\"mylayer\"]\n",
        "load Flagon.toml:1:10: `layers` at the top level must list layer version ARNs (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION), found `mylayer`",
    ),
    (
        "layer ARN without its version",
        "layers = [\"arn:aws:lambda:us-east-1:123456789012:layer:shared\"]\n",
        "load Flagon.toml:1:10: `layers` at the top level must list layer version ARNs (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION), found `arn:aws:lambda:us-east-1:123456789012:layer:shared`",
    ),
    (
        "layer ARN of another service",
        "[functions.f]\nlayers = [\"arn:aws:s3:us-east-1:123456789012:layer:shared:3\"]\n",
        "load Flagon.toml:2:10: `layers` in [functions.f] must list layer version ARNs (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION), found `arn:aws:s3:us-east-1:123456789012:layer:shared:3`",
    ),
    (
        "subnet id that is not one",
        "subnet_ids = [\"subnet-0a1b2c3d\", \"s-1\"]\n",
        "load Flagon.toml:1:14: `subnet_ids` at the top level must list subnet ids (`subnet-` and 8 or 17 hex digits), found `s-1`",
    ),
    (
        "subnet id with 9 hex digits",
        "[stages.prod]\nsubnet_ids = [\"subnet-0a1b2c3d4\"]\n",
        "load Flagon.toml:2:14: `subnet_ids` in [stages.prod] must list subnet ids (`subnet-` and 8 or 17 hex digits), found `subnet-0a1b2c3d4`",
    ),
    (
        "security group given by name",
        "security_group_ids = [\"default\"]\n",
        "load Flagon.toml:1:22: `security_group_ids` at the top level must list security group ids (`sg-` and 8 or 17 hex digits), found `default`",
    ),
    (
        "security group id with upper-case hex",
        "security_group_ids = [\"sg-0123456789ABCDEF0\"]\n",
        "load Flagon.toml:1:22: `security_group_ids` at the top level must list security group ids (`sg-` and 8 or 17 hex digits), found `sg-0123456789ABCDEF0`",
    ),
    (
        "API stage name with a space",
        "api_stage = \"my stage\"\n",
        "load Flagon.toml:1:13: `api_stage` at the top level must be 1 to 128 letters, digits, `-` or `_`, found `my stage`",
    ),
    (
        "stage name with a dot",
        "[stages.\"prod.eu\"]\nmemory = 256\n",
        "load Flagon.toml:1:9: a stage name must be letters, digits, `-` or `_` (it is part of every AWS resource name), found `prod.eu`",
    ),
    (
        "TOML syntax error",
        "memory = 256\ntimeout = \n",
        "load Flagon.toml:2:11: invalid TOML: string values must be quoted, expected literal string",
    ),
];

#[test]
fn each_invalid_file_is_refused_with_file_line_and_key() {
    let mut failures = Vec::new();
    for (what, text, expected) in INVALID {
        match Config::parse("Flagon.toml", text) {
            Ok(_) => failures.push(format!("{what}: accepted")),
            Err(e) => {
                if e.to_string() != *expected {
                    failures.push(format!("{what}:\n  expected: {expected}\n  got:      {e}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn invalid_error_carries_the_dotted_key_path() {
    let err =
        Config::parse("app/Flagon.toml", "[stages.prod.functions.f]\nmemory = 1\n").unwrap_err();
    let ConfigError::Invalid { location, key, .. } = err else {
        panic!("{err}")
    };
    assert_eq!(key, "stages.prod.functions.f.memory");
    assert_eq!(
        (location.file.as_str(), location.line, location.column),
        ("app/Flagon.toml", 2, 10)
    );
}

fn manifest() -> Manifest {
    Manifest::new(
        "hello",
        vec![
            Function::new("on_upload", Trigger::Invoke),
            Function::new("resize", Trigger::Invoke),
        ],
        None,
    )
}

#[test]
fn function_table_naming_no_handler_lists_the_handlers() {
    let config = Config::parse(
        "Flagon.toml",
        "memory = 256\n\n[functions.on_uplaod]\nmemory = 512\n",
    )
    .unwrap();
    assert_eq!(
        config
            .validate_functions(&manifest())
            .unwrap_err()
            .to_string(),
        "load Flagon.toml:3:12: [functions.on_uplaod] names no function of the app; its functions are: `on_upload`, `resize`"
    );
    let config = Config::parse("Flagon.toml", "[stages.prod.functions.rsize]\n").unwrap();
    assert_eq!(
        config
            .validate_functions(&manifest())
            .unwrap_err()
            .to_string(),
        "load Flagon.toml:1:24: [stages.prod.functions.rsize] names no function of the app; its functions are: `on_upload`, `resize`"
    );
    let config = Config::parse(
        "Flagon.toml",
        "[functions.resize]\n[stages.prod.functions.on_upload]\n",
    )
    .unwrap();
    config.validate_functions(&manifest()).unwrap();
}

#[test]
fn out_of_range_command_line_value_is_refused_with_its_key() {
    let config = Config::empty();
    let cases: [(Overrides, &str); 6] = [
        (
            Overrides {
                memory: Some(100),
                ..Overrides::default()
            },
            "apply command-line setting `memory`: must be between 128 and 10240 MB, found 100",
        ),
        (
            Overrides {
                timeout: Some(1000),
                ..Overrides::default()
            },
            "apply command-line setting `timeout`: must be between 1 and 900 seconds, found 1000",
        ),
        (
            Overrides {
                log_retention_days: Some(4),
                ..Overrides::default()
            },
            "apply command-line setting `log_retention_days`: must be one of CloudWatch Logs' retention periods (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653), found 4",
        ),
        (
            Overrides {
                iam: Some(Iam::RoleArn("r".into())),
                ..Overrides::default()
            },
            "apply command-line setting `iam_role_arn`: must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), found `r`",
        ),
        (
            Overrides {
                subnet_ids: Some(vec!["subnet-x".into()]),
                ..Overrides::default()
            },
            "apply command-line setting `subnet_ids`: must list subnet ids (`subnet-` and 8 or 17 hex digits), found `subnet-x`",
        ),
        (
            Overrides {
                security_group_ids: Some(vec!["sg-0123456789abcdef".into()]),
                ..Overrides::default()
            },
            "apply command-line setting `security_group_ids`: must list security group ids (`sg-` and 8 or 17 hex digits), found `sg-0123456789abcdef`",
        ),
    ];
    for (overrides, expected) in cases {
        assert_eq!(
            config
                .resolve("dev", "f", &overrides)
                .unwrap_err()
                .to_string(),
            expected
        );
        assert_eq!(
            config
                .stage_settings("dev", &overrides)
                .unwrap_err()
                .to_string(),
            expected
        );
    }
}

#[test]
fn vpc_with_subnets_but_no_security_groups_is_refused_once_resolved() {
    let config = Config::parse(
        "Flagon.toml",
        "subnet_ids = [\"subnet-0a1b2c3d\"]\n[stages.prod]\nsecurity_group_ids = [\"sg-0123456789abcdef0\"]\n",
    )
    .unwrap();
    assert_eq!(
        config
            .resolve("dev", "f", &Overrides::default())
            .unwrap_err()
            .to_string(),
        "resolve the settings of function `f` in stage `dev`: a VPC needs both `subnet_ids` and `security_group_ids`, each with at least one id"
    );
    let vpc = config
        .resolve("prod", "f", &Overrides::default())
        .unwrap()
        .vpc
        .unwrap();
    assert_eq!(
        (vpc.subnet_ids, vpc.security_group_ids),
        (
            vec!["subnet-0a1b2c3d".to_owned()],
            vec!["sg-0123456789abcdef0".to_owned()]
        )
    );
}
