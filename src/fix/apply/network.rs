//! The calls of EC2 (security-group rules, addresses, subnets, routes) and of Elastic Load
//! Balancing (listeners).

use aws_config::SdkConfig;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, IpPermission, IpRange, Ipv6Range, UserIdGroupPair,
};
use aws_sdk_elasticloadbalancingv2::types::{
    Action as LbAction, ActionTypeEnum, Certificate, ProtocolEnum, RedirectActionConfig,
    RedirectActionStatusCodeEnum,
};

use super::{misrouted, sent};
use crate::aws::Failure;
use crate::fix::action::{Action, Ingress};

/// EC2: security-group rules, addresses, subnets, routes.
pub(super) async fn ec2(conf: &SdkConfig, a: &Action) -> Result<(), Failure> {
    use Action::*;
    match a {
        RevokeIngress { group_id, rule_id } => {
            let c = aws_sdk_ec2::Client::new(conf);
            sent(
                c.revoke_security_group_ingress()
                    .group_id(group_id)
                    .security_group_rule_ids(rule_id)
                    .send()
                    .await,
            )
        }
        AuthorizeIngress { group_id, rule } => authorize_ingress(conf, group_id, rule).await,
        ReleaseAddress { allocation_id } => {
            let c = aws_sdk_ec2::Client::new(conf);
            sent(
                c.release_address()
                    .allocation_id(allocation_id)
                    .send()
                    .await,
            )
        }
        DisableSubnetPublicIp { subnet_id } => {
            let c = aws_sdk_ec2::Client::new(conf);
            let off = AttributeBooleanValue::builder().value(false).build();
            sent(
                c.modify_subnet_attribute()
                    .subnet_id(subnet_id)
                    .map_public_ip_on_launch(off)
                    .send()
                    .await,
            )
        }
        RouteToNat {
            route_table_id,
            destination,
            nat_gateway_id,
            replace,
        } => {
            let c = aws_sdk_ec2::Client::new(conf);
            if *replace {
                sent(
                    c.replace_route()
                        .route_table_id(route_table_id)
                        .destination_cidr_block(destination)
                        .nat_gateway_id(nat_gateway_id)
                        .send()
                        .await,
                )
            } else {
                sent(
                    c.create_route()
                        .route_table_id(route_table_id)
                        .destination_cidr_block(destination)
                        .nat_gateway_id(nat_gateway_id)
                        .send()
                        .await,
                )
            }
        }
        other => Err(misrouted("ec2", other)),
    }
}

/// Elastic Load Balancing: listeners.
pub(super) async fn elbv2(conf: &SdkConfig, a: &Action) -> Result<(), Failure> {
    use Action::*;
    match a {
        SetHttpsRedirect {
            listener_arn,
            port,
            status,
        } => {
            let redirect = RedirectActionConfig::builder()
                .protocol("HTTPS")
                .port(port.to_string())
                .status_code(RedirectActionStatusCodeEnum::from(status.as_str()))
                .build();
            let action = LbAction::builder()
                .r#type(ActionTypeEnum::Redirect)
                .redirect_config(redirect)
                .build();
            let c = aws_sdk_elasticloadbalancingv2::Client::new(conf);
            sent(
                c.modify_listener()
                    .listener_arn(listener_arn)
                    .default_actions(action)
                    .send()
                    .await,
            )
        }
        SetTlsPolicy {
            listener_arn,
            ssl_policy,
            certificate_arn,
        } => {
            let c = aws_sdk_elasticloadbalancingv2::Client::new(conf);
            let mut req = c
                .modify_listener()
                .listener_arn(listener_arn)
                .protocol(ProtocolEnum::Https)
                .ssl_policy(ssl_policy);
            if let Some(cert) = certificate_arn {
                req = req.certificates(Certificate::builder().certificate_arn(cert).build());
            }
            sent(req.send().await)
        }
        DeleteListener { listener_arn } => {
            let c = aws_sdk_elasticloadbalancingv2::Client::new(conf);
            sent(c.delete_listener().listener_arn(listener_arn).send().await)
        }
        other => Err(misrouted("elbv2", other)),
    }
}

/// Authorizes one documented ingress rule (a CIDR, an IPv6 CIDR or a source group).
async fn authorize_ingress(
    conf: &SdkConfig,
    group_id: &str,
    rule: &Ingress,
) -> Result<(), Failure> {
    let mut p = IpPermission::builder()
        .ip_protocol(&rule.protocol)
        .from_port(i32::from(rule.port))
        .to_port(i32::from(rule.port));
    p = match (&rule.cidr, &rule.source_group) {
        (_, Some(sg)) => p.user_id_group_pairs(UserIdGroupPair::builder().group_id(sg).build()),
        (Some(c), None) if c.contains(':') => {
            p.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(c).build())
        }
        (Some(c), None) => p.ip_ranges(IpRange::builder().cidr_ip(c).build()),
        (None, None) => {
            return Err(Failure::other(
                "InvalidParameter",
                "a rule needs a CIDR or a source group",
            ))
        }
    };
    let c = aws_sdk_ec2::Client::new(conf);
    sent(
        c.authorize_security_group_ingress()
            .group_id(group_id)
            .ip_permissions(p.build())
            .send()
            .await,
    )
}
