//! A Kinesis trigger starting AT_TIMESTAMP in each renderer: CloudFormation's
//! `StartingPositionTimestamp` (a Double of seconds since 1970) and Terraform's
//! `starting_position_timestamp` (RFC 3339). The real tools (cfn-lint, aws-sam-translator,
//! terraform validate) check these models too, through `common::lint_models`.

mod common;

use flagon_render::{render_sam, render_terraform};
use serde_json::json;

use common::{STAGES, at_timestamp_model, model, sam_options, tf_options};

#[test]
fn sam_mapping_starts_at_the_timestamp_in_epoch_seconds() {
    for stage in STAGES {
        let t = render_sam(&at_timestamp_model(stage), &sam_options()).expect("renders");
        let p = &t["Resources"]["OnClickEventSourceMapping"]["Properties"];
        assert_eq!(p["StartingPosition"], "AT_TIMESTAMP", "{stage}: {p}");
        assert_eq!(
            p["StartingPositionTimestamp"],
            json!(1_767_225_600),
            "{stage}"
        );
    }
}

#[test]
fn terraform_mapping_starts_at_the_timestamp_in_rfc3339() {
    for stage in STAGES {
        let c = render_terraform(&at_timestamp_model(stage), &tf_options()).expect("renders");
        let m = &c["resource"]["aws_lambda_event_source_mapping"]["on_click"];
        assert_eq!(m["starting_position"], "AT_TIMESTAMP", "{stage}: {m}");
        assert_eq!(
            m["starting_position_timestamp"], "2026-01-01T00:00:00Z",
            "{stage}"
        );
    }
}

#[test]
fn other_positions_render_no_timestamp() {
    let t = render_sam(&model("dev"), &sam_options()).expect("renders");
    let text = t.to_string();
    assert!(!text.contains("StartingPositionTimestamp"), "{text}");
    let c = render_terraform(&model("dev"), &tf_options()).expect("renders");
    assert!(!c.to_string().contains("starting_position_timestamp"));
}
