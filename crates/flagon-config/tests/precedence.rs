//! The one precedence, checked for every setting at every combination of levels:
//! command line > [stages.S.functions.F] > [stages.S] > [functions.F] > top level > defaults.

use flagon_config::{
    ApiType, Architecture, Config, EndpointType, FunctionSettings, Iam, Overrides, StageSettings,
    Vpc,
};

/// The levels, lowest precedence first. Index 4 is the command line.
const LEVELS: [&str; 5] = ["top", "function", "stage", "stage.function", "command line"];

/// A function setting: its TOML line per file level, how to set it on the command line, and
/// how to read the resolved value as text, with the value expected at each level.
struct FnCase {
    name: &'static str,
    toml: [&'static str; 4],
    cli: fn(&mut Overrides),
    read: fn(&FunctionSettings) -> String,
    /// The resolved value (as `read` prints it) when set at level i; index 5 is the default.
    expect: [&'static str; 6],
}

fn fn_cases() -> Vec<FnCase> {
    vec![
        FnCase {
            name: "memory",
            toml: [
                "memory = 256",
                "memory = 512",
                "memory = 1024",
                "memory = 2048",
            ],
            cli: |o| o.memory = Some(4096),
            read: |s| s.memory.to_string(),
            expect: ["256", "512", "1024", "2048", "4096", "128"],
        },
        FnCase {
            name: "timeout",
            toml: [
                "timeout = 10",
                "timeout = 20",
                "timeout = 30",
                "timeout = 40",
            ],
            cli: |o| o.timeout = Some(50),
            read: |s| s.timeout.to_string(),
            expect: ["10", "20", "30", "40", "50", "60"],
        },
        FnCase {
            name: "layers",
            toml: [
                r#"layers = ["arn:aws:lambda:us-east-1:123456789012:layer:top:1"]"#,
                r#"layers = ["arn:aws:lambda:us-east-1:123456789012:layer:fn:1"]"#,
                r#"layers = ["arn:aws:lambda:us-east-1:123456789012:layer:stage:1"]"#,
                r#"layers = ["arn:aws:lambda:us-east-1:123456789012:layer:stagefn:1"]"#,
            ],
            cli: |o| {
                o.layers = Some(vec![
                    "arn:aws:lambda:us-east-1:123456789012:layer:cli:1".into(),
                ]);
            },
            read: |s| {
                s.layers
                    .iter()
                    .map(|l| l.rsplit(':').nth(1).unwrap_or("?"))
                    .collect::<Vec<_>>()
                    .join(",")
            },
            expect: ["top", "fn", "stage", "stagefn", "cli", ""],
        },
        FnCase {
            name: "architecture",
            toml: [
                r#"architecture = "arm64""#,
                r#"architecture = "x86_64""#,
                r#"architecture = "arm64""#,
                r#"architecture = "x86_64""#,
            ],
            cli: |o| o.architecture = Some(Architecture::Arm64),
            read: |s| s.architecture.as_str().to_owned(),
            expect: ["arm64", "x86_64", "arm64", "x86_64", "arm64", "x86_64"],
        },
        FnCase {
            name: "reserved_concurrency",
            toml: [
                "reserved_concurrency = 1",
                "reserved_concurrency = 2",
                "reserved_concurrency = 3",
                "reserved_concurrency = 0",
            ],
            cli: |o| o.reserved_concurrency = Some(5),
            read: |s| format!("{:?}", s.reserved_concurrency),
            expect: [
                "Some(1)", "Some(2)", "Some(3)", "Some(0)", "Some(5)", "None",
            ],
        },
        FnCase {
            name: "vpc",
            toml: [
                r#"subnet_ids = ["subnet-1111aaaa"]
security_group_ids = ["sg-1111aaaa"]"#,
                r#"subnet_ids = ["subnet-2222bbbb"]
security_group_ids = ["sg-2222bbbb"]"#,
                r#"subnet_ids = ["subnet-3333cccc"]
security_group_ids = ["sg-3333cccc"]"#,
                r#"subnet_ids = ["subnet-4444dddd"]
security_group_ids = ["sg-4444dddd"]"#,
            ],
            cli: |o| {
                o.subnet_ids = Some(vec!["subnet-5555eeee".into()]);
                o.security_group_ids = Some(vec!["sg-5555eeee".into()]);
            },
            read: |s| match &s.vpc {
                Some(Vpc {
                    subnet_ids,
                    security_group_ids,
                }) => format!("{}/{}", subnet_ids.join(","), security_group_ids.join(",")),
                None => "none".into(),
            },
            expect: [
                "subnet-1111aaaa/sg-1111aaaa",
                "subnet-2222bbbb/sg-2222bbbb",
                "subnet-3333cccc/sg-3333cccc",
                "subnet-4444dddd/sg-4444dddd",
                "subnet-5555eeee/sg-5555eeee",
                "none",
            ],
        },
        FnCase {
            name: "xray",
            toml: ["xray = true", "xray = false", "xray = true", "xray = false"],
            cli: |o| o.xray = Some(true),
            read: |s| s.xray.to_string(),
            expect: ["true", "false", "true", "false", "true", "false"],
        },
        FnCase {
            name: "log_retention_days",
            toml: [
                "log_retention_days = 1",
                "log_retention_days = 3",
                "log_retention_days = 5",
                "log_retention_days = 7",
            ],
            cli: |o| o.log_retention_days = Some(14),
            read: |s| format!("{:?}", s.log_retention_days),
            expect: [
                "Some(1)", "Some(3)", "Some(5)", "Some(7)", "Some(14)", "None",
            ],
        },
        FnCase {
            name: "iam",
            toml: [
                r#"iam_policy_file = "top.json""#,
                r#"iam_role_arn = "arn:aws:iam::123456789012:role/fn""#,
                r#"iam_policy_file = "stage.json""#,
                r#"iam_role_arn = "arn:aws:iam::123456789012:role/stagefn""#,
            ],
            cli: |o| o.iam = Some(Iam::PolicyFile("cli.json".into())),
            read: |s| match &s.iam {
                Iam::Managed => "managed".into(),
                Iam::PolicyFile(p) => p.display().to_string(),
                Iam::RoleArn(a) => a.rsplit('/').next().unwrap_or("?").to_owned(),
            },
            expect: [
                "top.json",
                "fn",
                "stage.json",
                "stagefn",
                "cli.json",
                "managed",
            ],
        },
    ]
}

/// Flagon.toml with `lines[i]` at file level i (when `Some`).
fn document(lines: [Option<&str>; 4]) -> String {
    let mut text = String::new();
    if let Some(l) = lines[0] {
        text.push_str(&format!("{l}\n"));
    }
    if let Some(l) = lines[1] {
        text.push_str(&format!("[functions.f]\n{l}\n"));
    }
    if let Some(l) = lines[2] {
        text.push_str(&format!("[stages.prod]\n{l}\n"));
    }
    if let Some(l) = lines[3] {
        text.push_str(&format!("[stages.prod.functions.f]\n{l}\n"));
    }
    text
}

#[test]
fn every_function_setting_comes_from_the_highest_level_that_sets_it() {
    let mut checked = 0;
    for case in fn_cases() {
        // Every subset of the five levels.
        for mask in 0u32..32 {
            let set = |i: usize| mask & (1 << i) != 0;
            let lines = [0, 1, 2, 3].map(|i| set(i).then_some(case.toml[i]));
            let text = document(lines);
            let config = Config::parse("Flagon.toml", &text)
                .unwrap_or_else(|e| panic!("{}: {e}\n{text}", case.name));
            let mut overrides = Overrides::default();
            if set(4) {
                (case.cli)(&mut overrides);
            }
            let winner = (0..5).rev().find(|&i| set(i)).unwrap_or(5);
            let resolved = config.resolve("prod", "f", &overrides).unwrap();
            let levels: Vec<&str> = (0..5).filter(|&i| set(i)).map(|i| LEVELS[i]).collect();
            assert_eq!(
                (case.read)(&resolved),
                case.expect[winner],
                "setting `{}` set at {levels:?}\n{text}",
                case.name
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 9 * 32);
}

#[test]
fn another_stage_and_another_function_see_only_top_level_and_their_own_tables() {
    let text = document([
        Some("memory = 256"),
        Some("memory = 512"),
        Some("memory = 1024"),
        Some("memory = 2048"),
    ]);
    let config = Config::parse("Flagon.toml", &text).unwrap();
    let none = Overrides::default();
    assert_eq!(config.resolve("dev", "f", &none).unwrap().memory, 512);
    assert_eq!(config.resolve("prod", "g", &none).unwrap().memory, 1024);
    assert_eq!(config.resolve("dev", "g", &none).unwrap().memory, 256);
}

#[test]
fn environment_and_tags_merge_key_by_key_with_the_higher_level_winning() {
    let text = r#"
environment = { LEVEL = "top", TOP = "1" }
tags = { level = "top", top = "1" }
[functions.f]
environment = { LEVEL = "function", FUNCTION = "1" }
tags = { level = "function", function = "1" }
[stages.prod]
environment = { LEVEL = "stage", STAGE = "1" }
tags = { level = "stage", stage = "1" }
[stages.prod.functions.f]
environment = { LEVEL = "stage.function", STAGE_FUNCTION = "1" }
tags = { level = "stage.function", stage_function = "1" }
"#;
    let config = Config::parse("Flagon.toml", text).unwrap();
    let mut cli = Overrides::default();
    cli.environment.insert("CLI".into(), "1".into());
    let s = config.resolve("prod", "f", &cli).unwrap();
    let env: Vec<(&str, &str)> = s
        .environment
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        env,
        [
            ("CLI", "1"),
            ("FUNCTION", "1"),
            ("LEVEL", "stage.function"),
            ("STAGE", "1"),
            ("STAGE_FUNCTION", "1"),
            ("TOP", "1")
        ]
    );
    assert_eq!(
        s.tags.get("level").map(String::as_str),
        Some("stage.function")
    );
    assert_eq!(s.tags.len(), 5);

    cli.environment.insert("LEVEL".into(), "cli".into());
    let s = config.resolve("prod", "f", &cli).unwrap();
    assert_eq!(s.environment.get("LEVEL").map(String::as_str), Some("cli"));

    let dev = config.resolve("dev", "g", &Overrides::default()).unwrap();
    assert_eq!(dev.environment.len(), 2, "{:?}", dev.environment);
}

/// A stage setting: TOML line at the top level and in the stage, the command line, and the
/// expected value per level (index 3 is the default).
struct StageCase {
    name: &'static str,
    toml: [&'static str; 2],
    cli: fn(&mut Overrides),
    read: fn(&StageSettings) -> String,
    expect: [&'static str; 4],
}

#[test]
fn every_stage_setting_comes_from_the_highest_level_that_sets_it() {
    let cases = [
        StageCase {
            name: "api_type",
            toml: [r#"api_type = "http""#, r#"api_type = "rest""#],
            cli: |o| o.api_type = Some(ApiType::Http),
            read: |s| s.api_type.as_str().into(),
            expect: ["http", "rest", "http", "rest"],
        },
        StageCase {
            name: "api_stage",
            toml: [r#"api_stage = "top""#, r#"api_stage = "stage""#],
            cli: |o| o.api_stage = Some("cli".into()),
            read: |s| s.api_stage.clone(),
            expect: ["top", "stage", "cli", "api"],
        },
        StageCase {
            name: "endpoint_type",
            toml: [
                r#"endpoint_type = "regional""#,
                r#"endpoint_type = "private""#,
            ],
            cli: |o| o.endpoint_type = Some(EndpointType::Regional),
            read: |s| s.endpoint_type.as_aws_str().into(),
            expect: ["REGIONAL", "PRIVATE", "REGIONAL", "EDGE"],
        },
        StageCase {
            name: "xray",
            toml: ["xray = true", "xray = false"],
            cli: |o| o.xray = Some(true),
            read: |s| s.xray.to_string(),
            expect: ["true", "false", "true", "false"],
        },
        StageCase {
            name: "iam",
            toml: [
                r#"iam_policy_file = "top.json""#,
                r#"iam_role_arn = "arn:aws:iam::1:role/stage""#,
            ],
            cli: |o| o.iam = Some(Iam::PolicyFile("cli.json".into())),
            read: |s| format!("{:?}", s.iam),
            expect: [
                r#"PolicyFile("top.json")"#,
                r#"RoleArn("arn:aws:iam::1:role/stage")"#,
                r#"PolicyFile("cli.json")"#,
                "Managed",
            ],
        },
    ];
    for case in cases {
        for mask in 0u32..8 {
            let set = |i: usize| mask & (1 << i) != 0;
            let mut text = String::new();
            if set(0) {
                text.push_str(&format!("{}\n", case.toml[0]));
            }
            if set(1) {
                text.push_str(&format!("[stages.prod]\n{}\n", case.toml[1]));
            }
            let config = Config::parse("Flagon.toml", &text).unwrap();
            let mut overrides = Overrides::default();
            if set(2) {
                (case.cli)(&mut overrides);
            }
            let winner = (0..3).rev().find(|&i| set(i)).unwrap_or(3);
            let resolved = config.stage_settings("prod", &overrides).unwrap();
            assert_eq!(
                (case.read)(&resolved),
                case.expect[winner],
                "`{}` with mask {mask:03b}\n{text}",
                case.name
            );
        }
    }
}
