//! Networks: VPCs, their subnets' tiers (by the route each one's table gives the internet),
//! their NAT model and internet gateway.

use std::collections::BTreeSet;

use crate::inventory::ec2::{RouteTable, RouteTarget, Subnet, Vpc};

use super::write::{strings, Toml};
use super::{names, Found, Network, Tier};

impl<'a> Found<'a> {
    /// VPCs that are not the default one, and a default VPC that holds a load balancer, a
    /// service or a database.
    pub(super) fn find_networks(&mut self) {
        let ec2 = &self.inv.aws.ec2;
        let used: BTreeSet<&str> = self
            .inv
            .aws
            .elbv2
            .load_balancers
            .iter()
            .map(|lb| lb.vpc_id.as_str())
            .chain(
                ec2.subnets
                    .iter()
                    .filter(|s| self.hosts_tasks_or_db(&s.meta.id))
                    .map(|s| s.vpc_id.as_str()),
            )
            .collect();
        let vpcs: Vec<&Vpc> = ec2
            .vpcs
            .iter()
            .filter(|v| !v.is_default || used.contains(v.meta.id.as_str()))
            .collect();
        let names = names(
            &vpcs,
            |v| {
                v.meta
                    .tags
                    .as_ref()
                    .and_then(|t| t.get("Name"))
                    .map_or(v.meta.id.as_str(), String::as_str)
            },
            "main",
        );
        for (vpc, name) in vpcs.into_iter().zip(names) {
            let mut subnets: Vec<(&Subnet, Tier, Option<String>)> = ec2
                .subnets
                .iter()
                .filter(|s| s.vpc_id == vpc.meta.id)
                .map(|s| {
                    let (tier, from) = self.tier(s);
                    (s, tier, from)
                })
                .collect();
            subnets.sort_by(|a, b| {
                (a.1, &a.0.availability_zone, &a.0.cidr_block).cmp(&(
                    b.1,
                    &b.0.availability_zone,
                    &b.0.cidr_block,
                ))
            });
            for (s, tier, _) in &subnets {
                self.subnet_tier.insert(&s.meta.id, (name.clone(), *tier));
            }
            self.networks.push(Network { name, vpc, subnets });
        }
    }

    fn hosts_tasks_or_db(&self, subnet_id: &str) -> bool {
        let aws = &self.inv.aws;
        aws.ecs.services.iter().any(|s| {
            s.network
                .as_ref()
                .is_some_and(|n| n.subnets.iter().any(|x| x == subnet_id))
        }) || aws
            .rds
            .db_subnet_groups
            .iter()
            .any(|g| g.subnets.iter().any(|x| x == subnet_id))
    }

    /// A subnet's tier from its route table's default route (its own table, else its VPC's
    /// main one), with the table it was read from.
    fn tier(&self, s: &Subnet) -> (Tier, Option<String>) {
        let Some(table) = self.route_table(s) else {
            return (Tier::Private, None);
        };
        let to_igw = table.routes.iter().any(|r| {
            r.destination == "0.0.0.0/0" && matches!(r.target, RouteTarget::InternetGateway(_))
        });
        let tier = if to_igw { Tier::Public } else { Tier::Private };
        (tier, Some(table.meta.id.clone()))
    }

    pub(super) fn write_networks(&self, t: &mut Toml) {
        for n in &self.networks {
            t.table(&format!("architecture.networks.{}", n.name));
            let vpc = &n.vpc.meta.id;
            t.set("region", n.vpc.meta.region.as_str(), vpc);
            t.set("cidr", n.vpc.cidr_block.as_str(), vpc);
            let azs: BTreeSet<&str> = n
                .subnets
                .iter()
                .map(|(s, _, _)| s.availability_zone.as_str())
                .collect();
            t.set("availability_zones", strings(&azs), "its subnets' zones");
            if let Some((nat, from)) = self.nat(n) {
                t.set("nat", nat, &from);
            } else {
                t.comment("nat: the private subnets route to the internet in no single way: not documented");
            }
            let igw: Vec<&str> = self
                .inv
                .aws
                .ec2
                .internet_gateways
                .iter()
                .filter(|g| g.attached_vpcs.iter().any(|v| v == vpc))
                .map(|g| g.meta.id.as_str())
                .collect();
            t.set(
                "internet_gateway",
                !igw.is_empty(),
                &igw.first()
                    .map_or_else(|| "none attached".to_owned(), |g| (*g).to_owned()),
            );
            for (s, tier, table) in &n.subnets {
                t.array_table(&format!("architecture.networks.{}.subnets", n.name));
                t.set("cidr", s.cidr_block.as_str(), &s.meta.id);
                t.set("az", s.availability_zone.as_str(), "");
                let why = match (tier, table) {
                    (Tier::Public, Some(rt)) => {
                        format!("{rt} routes 0.0.0.0/0 to the internet gateway")
                    }
                    (Tier::Private, Some(rt)) => {
                        format!("{rt} has no route to the internet gateway")
                    }
                    (_, None) => "no route table".to_owned(),
                };
                t.set("tier", tier.as_str(), &why);
            }
        }
    }

    /// How the network's private subnets reach the internet, if one way for all of them.
    fn nat(&self, n: &Network) -> Option<(&'static str, String)> {
        let ec2 = &self.inv.aws.ec2;
        let az_of = |subnet: &str| {
            ec2.subnets
                .iter()
                .find(|s| s.meta.id == subnet)
                .map(|s| s.availability_zone.as_str())
        };
        let mut targets = Vec::new();
        for (s, tier, _) in &n.subnets {
            if *tier != Tier::Private {
                continue;
            }
            let default = self
                .route_table(s)
                .and_then(|t| t.routes.iter().find(|r| r.destination == "0.0.0.0/0"));
            targets.push((s, default.map(|r| &r.target)));
        }
        let nat_az = |id: &str| {
            ec2.nat_gateways
                .iter()
                .find(|g| g.meta.id == id)
                .and_then(|g| az_of(&g.subnet_id))
        };
        let nats: BTreeSet<&str> = targets
            .iter()
            .filter_map(|(_, t)| match t {
                Some(RouteTarget::NatGateway(id)) => Some(id.as_str()),
                _ => None,
            })
            .collect();
        let shown = nats.iter().copied().collect::<Vec<_>>().join(", ");
        if targets.is_empty() {
            return None;
        }
        if targets.iter().all(|(_, t)| t.is_none()) {
            return (!ec2.nat_gateways.iter().any(|g| g.vpc_id == n.vpc.meta.id)).then(|| {
                (
                    "none",
                    "no private subnet routes to the internet".to_owned(),
                )
            });
        }
        let all_nat = targets
            .iter()
            .all(|(_, t)| matches!(t, Some(RouteTarget::NatGateway(_))));
        if !all_nat {
            return None;
        }
        let per_az = targets.iter().all(|(s, t)| match t {
            Some(RouteTarget::NatGateway(id)) => nat_az(id) == Some(s.availability_zone.as_str()),
            _ => false,
        });
        let zones: BTreeSet<&str> = targets
            .iter()
            .map(|(s, _)| s.availability_zone.as_str())
            .collect();
        if nats.len() == 1 && (zones.len() > 1 || !per_az) {
            Some(("single", shown))
        } else if per_az && nats.len() == zones.len() {
            Some(("per_az", shown))
        } else if nats.len() == 1 {
            Some(("single", shown))
        } else {
            None
        }
    }

    /// The route table a subnet uses: its own, else its VPC's main one.
    fn route_table(&self, s: &Subnet) -> Option<&'a RouteTable> {
        let tables = &self.inv.aws.ec2.route_tables;
        tables
            .iter()
            .find(|t| t.associations.contains(&s.meta.id))
            .or_else(|| tables.iter().find(|t| t.main && t.vpc_id == s.vpc_id))
    }
}
