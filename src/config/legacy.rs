//! The `[architecture]` section as written: named components, or the singular shape of
//! earlier versions (one `vpc`, one `load_balancer`, one `ecs` service on one `app_port`, all
//! required), which is lifted into one-element maps named `main` (the network), `public` (the
//! load balancer) and `app` (the service). The lifted spec judges exactly as before.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::spec::*;

/// Name of the network a singular file's VPC becomes.
pub const LEGACY_NETWORK: &str = "main";
/// Name of the load balancer a singular file's `load_balancer` becomes.
pub const LEGACY_LOAD_BALANCER: &str = "public";
/// Name of the service a singular file's `ecs` becomes.
pub const LEGACY_SERVICE: &str = "app";

/// Both shapes' keys; [`Architecture`] is built from one of them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArchitecture {
    #[serde(default)]
    networks: Option<BTreeMap<String, Network>>,
    #[serde(default)]
    load_balancers: Option<BTreeMap<String, LoadBalancer>>,
    #[serde(default)]
    services: Option<BTreeMap<String, Service>>,
    #[serde(default)]
    databases: Option<BTreeMap<String, Database>>,
    #[serde(default)]
    logs: Option<LogsSpec>,
    #[serde(default)]
    state_bucket: Option<StateBucketSpec>,
    #[serde(default)]
    github_oidc: Option<GithubOidcSpec>,
    #[serde(default)]
    iam: Option<IamSpec>,
    #[serde(default)]
    network: Option<NetworkSpec>,
    // The singular shape.
    #[serde(default)]
    region: Option<Spanned<String>>,
    #[serde(default)]
    availability_zones: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    app_port: Option<u16>,
    #[serde(default)]
    vpc: Option<VpcSpec>,
    #[serde(default)]
    subnets: Option<Vec<SubnetSpec>>,
    #[serde(default)]
    load_balancer: Option<LegacyLoadBalancer>,
    #[serde(default)]
    ecs: Option<EcsSpec>,
    #[serde(default)]
    alarms: Option<Vec<AlarmSpec>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VpcSpec {
    cidr: Spanned<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LegacyLoadBalancer {
    #[serde(default)]
    name: Option<String>,
    https_port: u16,
    http_port: u16,
    redirect_status: String,
    tls_policies: Vec<String>,
    ingress_cidrs: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EcsSpec {
    #[serde(default)]
    service: Option<String>,
    launch_type: String,
    min_desired_count: u32,
    assign_public_ip: bool,
    circuit_breaker_rollback: bool,
    autoscaling_metrics: Vec<String>,
}

impl TryFrom<RawArchitecture> for Architecture {
    type Error = String;

    fn try_from(raw: RawArchitecture) -> Result<Architecture, String> {
        let singular = [
            ("region", raw.region.is_some()),
            ("availability_zones", raw.availability_zones.is_some()),
            ("app_port", raw.app_port.is_some()),
            ("vpc", raw.vpc.is_some()),
            ("subnets", raw.subnets.is_some()),
            ("load_balancer", raw.load_balancer.is_some()),
            ("ecs", raw.ecs.is_some()),
            ("alarms", raw.alarms.is_some()),
        ];
        let named =
            raw.networks.is_some() || raw.load_balancers.is_some() || raw.services.is_some();
        let given: Vec<&str> = singular
            .iter()
            .filter(|(_, g)| *g)
            .map(|(k, _)| *k)
            .collect();
        if given.is_empty() {
            return Ok(Architecture {
                networks: raw.networks.unwrap_or_default(),
                load_balancers: raw.load_balancers.unwrap_or_default(),
                services: raw.services.unwrap_or_default(),
                databases: raw.databases.unwrap_or_default(),
                logs: raw.logs,
                state_bucket: raw.state_bucket,
                github_oidc: raw.github_oidc,
                iam: raw.iam,
                network: raw.network,
            });
        }
        if named {
            return Err(format!(
                "[architecture] mixes the singular shape ({}) with named components (networks, load_balancers, services): write one or the other (docs/spec.md)",
                given.join(", ")
            ));
        }
        let missing: Vec<&str> = singular[..7]
            .iter()
            .filter(|(_, g)| !*g)
            .map(|(k, _)| *k)
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "[architecture] in the singular shape needs {} too (or write named components: docs/spec.md)",
                missing.join(", ")
            ));
        }
        let (Some(region), Some(zones), Some(port), Some(vpc), Some(subnets), Some(lb), Some(ecs)) = (
            raw.region,
            raw.availability_zones,
            raw.app_port,
            raw.vpc,
            raw.subnets,
            raw.load_balancer,
            raw.ecs,
        ) else {
            unreachable!("every singular key was checked above")
        };
        let at = |s: &Spanned<String>, v: &str| Spanned::new(s.span(), v.to_owned());
        let network = Network {
            region: region.clone(),
            cidr: vpc.cidr,
            name: vpc.name,
            availability_zones: zones,
            subnets,
            nat: Some(Nat::PerAz),
            internet_gateway: Some(true),
        };
        let load_balancer = LoadBalancer {
            network: at(&region, LEGACY_NETWORK),
            name: lb.name,
            scheme: Scheme::InternetFacing,
            https: Some(HttpsListener {
                port: lb.https_port,
                tls_policies: lb.tls_policies,
            }),
            http: Some(HttpListener {
                port: lb.http_port,
                action: Spanned::new(region.span(), HttpAction::Redirect),
                redirect_status: Some(lb.redirect_status),
            }),
            ingress_cidrs: lb.ingress_cidrs,
            routes: Vec::new(),
        };
        let service = Service {
            name: ecs.service,
            cluster: None,
            network: at(&region, LEGACY_NETWORK),
            tier: Tier::Private,
            load_balancer: Some(at(&region, LEGACY_LOAD_BALANCER)),
            ports: vec![port],
            launch_type: Some(ecs.launch_type),
            min_desired_count: Some(ecs.min_desired_count),
            max_desired_count: None,
            assign_public_ip: Some(ecs.assign_public_ip),
            circuit_breaker_rollback: Some(ecs.circuit_breaker_rollback),
            autoscaling_metrics: ecs.autoscaling_metrics,
            alarms: raw.alarms.unwrap_or_default(),
            reachable_from_services: Vec::new(),
            reachable_from_cidrs: Vec::new(),
        };
        Ok(Architecture {
            networks: BTreeMap::from([(LEGACY_NETWORK.to_owned(), network)]),
            load_balancers: BTreeMap::from([(LEGACY_LOAD_BALANCER.to_owned(), load_balancer)]),
            services: BTreeMap::from([(LEGACY_SERVICE.to_owned(), service)]),
            databases: raw.databases.unwrap_or_default(),
            logs: raw.logs,
            state_bucket: raw.state_bucket,
            github_oidc: raw.github_oidc,
            iam: raw.iam,
            network: raw.network,
        })
    }
}

/// Where a named-component key was written in a singular file (`services.app.ports` →
/// `app_port`), for locating findings; `None` when the singular shape has no such key.
pub fn singular_path(path: &str) -> Option<String> {
    let mut seg = path.splitn(3, '.');
    let (kind, _name, rest) = (seg.next()?, seg.next()?, seg.next().unwrap_or(""));
    let mapped = match (kind, rest) {
        ("networks", "region") => "region".to_owned(),
        ("networks", "availability_zones") => "availability_zones".to_owned(),
        ("networks", "cidr" | "name") => format!("vpc.{rest}"),
        ("networks", r) if r.starts_with("subnets") => r.to_owned(),
        ("networks", _) => "vpc".to_owned(),
        ("load_balancers", "https.port") => "load_balancer.https_port".to_owned(),
        ("load_balancers", "https.tls_policies") => "load_balancer.tls_policies".to_owned(),
        ("load_balancers", "http.port") => "load_balancer.http_port".to_owned(),
        ("load_balancers", "http.redirect_status" | "http.action" | "http") => {
            "load_balancer.redirect_status".to_owned()
        }
        ("load_balancers", "name" | "ingress_cidrs") => format!("load_balancer.{rest}"),
        ("load_balancers", _) => "load_balancer".to_owned(),
        ("services", "ports") => "app_port".to_owned(),
        ("services", "name") => "ecs.service".to_owned(),
        ("services", r) if r.starts_with("alarms") => r.to_owned(),
        (
            "services",
            r @ ("launch_type"
            | "min_desired_count"
            | "assign_public_ip"
            | "circuit_breaker_rollback"
            | "autoscaling_metrics"),
        ) => format!("ecs.{r}"),
        ("services", _) => "ecs".to_owned(),
        _ => return None,
    };
    Some(mapped)
}
