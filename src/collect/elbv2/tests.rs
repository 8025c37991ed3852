//! The response → inventory mappings, pinned with the SDK's own types (no emulator).
use aws_sdk_elasticloadbalancingv2::types::{
    ActionTypeEnum, ForwardActionConfig, RedirectActionConfig, RedirectActionStatusCodeEnum,
    TargetGroupTuple,
};

use super::*;

#[test]
fn forward_actions_name_each_target_group_once() {
    let a = action(
        &t::Action::builder()
            .r#type(ActionTypeEnum::Forward)
            .target_group_arn("arn:tg/app")
            .forward_config(
                ForwardActionConfig::builder()
                    .target_groups(
                        TargetGroupTuple::builder()
                            .target_group_arn("arn:tg/app")
                            .build(),
                    )
                    .build(),
            )
            .build(),
    );
    assert_eq!(a.action_type, "forward");
    assert_eq!(a.target_groups, ["arn:tg/app"]);
    assert_eq!(a.redirect, None);
}

#[test]
fn redirects_keep_placeholders_for_unset_and_empty_fields() {
    let a = action(
        &t::Action::builder()
            .r#type(ActionTypeEnum::Redirect)
            .redirect_config(
                RedirectActionConfig::builder()
                    .protocol("HTTPS")
                    .port("443")
                    .host("")
                    .status_code(RedirectActionStatusCodeEnum::Http301)
                    .build(),
            )
            .build(),
    );
    let r = a.redirect.unwrap();
    assert_eq!((r.protocol.as_str(), r.port.as_str()), ("HTTPS", "443"));
    assert_eq!((r.host.as_str(), r.path.as_str()), ("#{host}", "/#{path}"));
    assert_eq!(r.status_code, "HTTP_301");
}

#[test]
fn actions_are_ordered() {
    let mk = |o: i32| {
        t::Action::builder()
            .r#type(ActionTypeEnum::FixedResponse)
            .order(o)
            .build()
    };
    let out = actions(&[mk(2), mk(1)]);
    assert_eq!(
        out.iter().map(|a| a.order).collect::<Vec<_>>(),
        [Some(1), Some(2)]
    );
}
