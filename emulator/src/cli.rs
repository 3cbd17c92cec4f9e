//! The command-line surface of `atlas-ear-emulator` and its resolution into a `Config`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use atlas_ear_emulator::{
    Config, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PRIVATE_KEY, DEMO_PROJECT_ID, DEMO_PUBLIC_KEY,
    DigestAlgorithm, RateLimit,
};
use clap::{Parser, ValueEnum};

use crate::seeds::{
    ClusterSeed, EncryptionSeed, ProviderArg, Seeds, parse_cluster, parse_encryption,
};

/// A local emulator of the MongoDB Atlas encryption-at-rest private-endpoint API, with digest
/// authentication, service-account tokens, the status lifecycle and fault injection.
#[derive(Debug, Parser)]
#[command(name = "atlas-ear-emulator", version)]
pub struct Cli {
    /// Address to listen on; port 0 picks a free port (printed at start). The variable is for
    /// containers, whose runners (GitHub's service containers among them) may pass no arguments.
    #[arg(
        long,
        env = "ATLAS_EAR_EMULATOR_LISTEN",
        default_value = "127.0.0.1:8080"
    )]
    pub listen: SocketAddr,

    /// Public API key accepted as the digest username.
    #[arg(long, default_value = DEMO_PUBLIC_KEY)]
    pub public_key: String,

    /// Private API key accepted as the digest password.
    #[arg(long, default_value = DEMO_PRIVATE_KEY, hide_default_value = true)]
    pub private_key: String,

    /// How long INITIATING, PENDING_RECREATION and DELETING last (e.g. 300ms, 2s, 1m).
    #[arg(long, env = "ATLAS_EAR_EMULATOR_SETTLE_AFTER", default_value = "3s", value_parser = parse_duration)]
    pub settle_after: Duration,

    /// Delay added before every API and token response.
    #[arg(long, default_value = "0s", value_parser = parse_duration)]
    pub latency: Duration,

    /// How long a digest nonce stays valid before answers get stale=true.
    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    pub nonce_lifetime: Duration,

    /// Refuse a digest nc lower than one already accepted, even if unused (default: only reuse
    /// is refused, so concurrent requests that arrive out of order pass).
    #[arg(long)]
    pub strict_nc_order: bool,

    /// Digest algorithm offered in the challenge and accepted.
    #[arg(long, value_enum, default_value_t = AlgorithmArg::Md5)]
    pub algorithm: AlgorithmArg,

    /// Service-account client id accepted by POST /api/oauth/token.
    #[arg(long, default_value = DEMO_CLIENT_ID)]
    pub client_id: String,

    /// Service-account client secret accepted by POST /api/oauth/token.
    #[arg(long, default_value = DEMO_CLIENT_SECRET, hide_default_value = true)]
    pub client_secret: String,

    /// Lifetime of issued bearer tokens.
    #[arg(long, default_value = "1h", value_parser = parse_duration)]
    pub token_lifetime: Duration,

    /// Token bucket each project gets for its API requests, as CAPACITY/PER_MINUTE (e.g. 100/60);
    /// off by default.
    #[arg(long, value_name = "CAPACITY/PER_MINUTE", value_parser = parse_rate_limit)]
    pub rate_limit: Option<RateLimit>,

    /// A bucket of its own for one project instead of --rate-limit, as
    /// GROUP_ID=CAPACITY/PER_MINUTE; repeat for more projects.
    #[arg(long, value_name = "GROUP_ID=CAPACITY/PER_MINUTE", value_parser = parse_project_rate_limit)]
    pub project_rate_limit: Vec<(String, RateLimit)>,

    /// Keep endpoints, encryption configurations and clusters in this JSON file across restarts:
    /// read at start if it exists, written atomically after every change. Seeding flags apply
    /// only when the file is new.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// The project the seeding flags set up and the printed `export` lines name.
    #[arg(long, value_name = "GROUP_ID", default_value = DEMO_PROJECT_ID, value_parser = parse_group_id)]
    pub project_id: String,

    /// A cluster of --project-id with nodes in these regions, as
    /// NAME:PROVIDER:REGION[,[PROVIDER:]REGION...] (e.g. orders:AWS:US_EAST_1,EU_WEST_2 or
    /// web:AWS:US_EAST_1,AZURE:EUROPE_WEST); repeat for more clusters.
    #[arg(long, value_name = "NAME:PROVIDER:REGIONS", value_parser = parse_cluster)]
    pub seed_cluster: Vec<ClusterSeed>,

    /// Customer-key encryption enabled for a provider of --project-id: aws[:REGION] or
    /// azure[:VAULT:RESOURCE_GROUP:SUBSCRIPTION] (demo values for parts left out; an empty part
    /// stays unset); repeat for the other provider.
    #[arg(long, value_name = "PROVIDER[:DETAILS]", value_parser = parse_encryption)]
    pub encryption: Vec<EncryptionSeed>,

    /// Private networking to the key service already required for a provider given to
    /// --encryption; repeat for the other provider.
    #[arg(long, value_enum, value_name = "PROVIDER")]
    pub require_private_networking: Vec<ProviderArg>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum AlgorithmArg {
    Md5,
    Sha256,
}

impl Cli {
    /// The seeding flags, checked together.
    pub fn seeds(&self) -> anyhow::Result<Seeds> {
        let seeds = Seeds {
            project_id: self.project_id.clone(),
            clusters: self.seed_cluster.clone(),
            encryption: self.encryption.clone(),
            require_private_networking: self.require_private_networking.clone(),
        };
        seeds.check()?;
        Ok(seeds)
    }

    /// Checks what clap cannot and builds the emulator's settings.
    pub fn into_config(self) -> anyhow::Result<Config> {
        for (flag, value) in [
            ("--public-key", &self.public_key),
            ("--private-key", &self.private_key),
            ("--client-id", &self.client_id),
            ("--client-secret", &self.client_secret),
        ] {
            if value.is_empty() {
                bail!("{flag} must not be empty");
            }
        }
        Ok(Config {
            listen: self.listen,
            public_key: self.public_key,
            private_key: self.private_key,
            settle_after: self.settle_after,
            latency: self.latency,
            nonce_lifetime: self.nonce_lifetime,
            strict_nc_order: self.strict_nc_order,
            algorithm: match self.algorithm {
                AlgorithmArg::Md5 => DigestAlgorithm::Md5,
                AlgorithmArg::Sha256 => DigestAlgorithm::Sha256,
            },
            service_account: Some((self.client_id, self.client_secret)),
            token_lifetime: self.token_lifetime,
            rate_limit: self.rate_limit,
            project_rate_limits: self.project_rate_limit.into_iter().collect(),
            state_file: self.state,
        })
    }
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text).map_err(|e| format!("{e} (write durations like 300ms, 2s, 1m)"))
}

fn parse_rate_limit(text: &str) -> anyhow::Result<RateLimit> {
    let (capacity, per_minute) = text
        .split_once('/')
        .context("expected CAPACITY/PER_MINUTE, e.g. 100/60")?;
    let capacity: u32 = capacity
        .trim()
        .parse()
        .context("CAPACITY must be a whole number")?;
    let refill_per_minute: u32 = per_minute
        .trim()
        .parse()
        .context("PER_MINUTE must be a whole number")?;
    if capacity == 0 {
        bail!("CAPACITY must be at least 1");
    }
    Ok(RateLimit {
        capacity,
        refill_per_minute,
    })
}

/// `GROUP_ID=CAPACITY/PER_MINUTE`, with a group id of 24 lower-case hex digits as Atlas has them.
fn parse_project_rate_limit(text: &str) -> anyhow::Result<(String, RateLimit)> {
    let (group_id, limit) = text
        .split_once('=')
        .context("expected GROUP_ID=CAPACITY/PER_MINUTE, e.g. 0123456789abcdef01234567=10/5")?;
    Ok((parse_group_id(group_id)?, parse_rate_limit(limit)?))
}

/// A project id: 24 lower-case hex digits, as Atlas has them.
fn parse_group_id(text: &str) -> anyhow::Result<String> {
    let is_group_id =
        text.len() == 24 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !is_group_id {
        bail!("GROUP_ID must be 24 lower-case hexadecimal characters");
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_parse() {
        assert_eq!(
            parse_rate_limit("10/5").unwrap(),
            RateLimit {
                capacity: 10,
                refill_per_minute: 5
            }
        );
        assert!(parse_rate_limit("10").is_err());
        assert!(parse_rate_limit("0/5").is_err());
        assert!(parse_rate_limit("a/5").is_err());
    }

    #[test]
    fn project_rate_limits_parse_and_repeat() {
        let cli = Cli::parse_from([
            "atlas-ear-emulator",
            "--project-rate-limit",
            "0123456789abcdef01234567=2/0",
            "--project-rate-limit",
            "abcdefabcdefabcdefabcdef=5/60",
        ]);
        let config = cli.into_config().unwrap();
        assert_eq!(config.project_rate_limits.len(), 2);
        assert_eq!(
            config.project_rate_limits["0123456789abcdef01234567"],
            RateLimit {
                capacity: 2,
                refill_per_minute: 0
            }
        );
        assert!(parse_project_rate_limit("10/5").is_err());
        assert!(parse_project_rate_limit("0123456789ABCDEF01234567=10/5").is_err());
        assert!(parse_project_rate_limit("0123456789abcdef01234567=0/5").is_err());
    }

    #[test]
    fn defaults_are_the_demo_values() {
        let config = Cli::parse_from(["atlas-ear-emulator"])
            .into_config()
            .unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.public_key, DEMO_PUBLIC_KEY);
        assert_eq!(config.settle_after, Duration::from_secs(3));
        assert_eq!(config.nonce_lifetime, Duration::from_secs(300));
        assert_eq!(config.algorithm, DigestAlgorithm::Md5);
    }

    #[test]
    fn durations_and_algorithm() {
        let cli = Cli::parse_from([
            "atlas-ear-emulator",
            "--settle-after",
            "300ms",
            "--latency",
            "2s",
            "--algorithm",
            "sha256",
            "--rate-limit",
            "3/1",
        ]);
        let config = cli.into_config().unwrap();
        assert_eq!(config.settle_after, Duration::from_millis(300));
        assert_eq!(config.latency, Duration::from_secs(2));
        assert_eq!(config.algorithm, DigestAlgorithm::Sha256);
        assert_eq!(
            config.rate_limit,
            Some(RateLimit {
                capacity: 3,
                refill_per_minute: 1
            })
        );
    }
}
