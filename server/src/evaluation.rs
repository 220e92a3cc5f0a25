//! `server assistant-eval [SETS]`: the evaluation on data this project did not write.
//!
//! Each folder under `SETS` holds `documents.jsonl` (for `server import`) and `questions.tsv`
//! (question, title of the document that answers it, then any other documents holding the same
//! answer word for word), made by `scripts/eval/*.py`. For each set
//! a fresh database gets the demo province and the documents (through `server import`), a real
//! server is started on it, and every question is asked over HTTP — `/api/v1/search` and
//! `/api/v1/ask`, as typed and without diacritics — as ordinary members. A plain document-level
//! BM25 over the same texts (folded syllables and syllable pairs) is computed here, in the same
//! run, so every figure is printed beside its baseline.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use app::documents::search::{syllables, terms};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};

/// Questions one member asks (and searches) in a run: under the server's limits of 30 questions
/// per 10 minutes and 60 searches a minute.
const ASKS_PER_MEMBER: usize = 25;

type EvalResult<T> = Result<T, String>;

/// Every set under `sets`, one after the other.
pub async fn run(sets: &Path) -> EvalResult<()> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(sets)
        .map_err(|e| format!("{}: {e}", sets.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("documents.jsonl").is_file() && p.join("questions.tsv").is_file())
        .collect();
    folders.sort();
    if folders.is_empty() {
        return Err(format!("{}: no folder with documents.jsonl and questions.tsv (scripts/eval/*.py make them)", sets.display()));
    }
    for folder in folders {
        evaluate_set(&folder).await?;
    }
    Ok(())
}

struct Question {
    text: String,
    gold: String,
    /// Other documents holding the answer word for word (pages copying each other's sections):
    /// an answer citing one of them quotes the same text.
    also: Vec<String>,
}

impl Question {
    fn held_by(&self, title: &str) -> bool {
        self.gold == title || self.also.iter().any(|t| t == title)
    }
}

fn read_questions(path: &Path) -> EvalResult<Vec<Question>> {
    let raw = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(raw
        .lines()
        .filter_map(|line| {
            let mut fields = line.split('\t').map(str::trim);
            let (text, gold) = (fields.next()?, fields.next()?);
            Some(Question { text: text.to_string(), gold: gold.to_string(), also: fields.filter(|t| !t.is_empty()).map(str::to_string).collect() })
        })
        .filter(|q| !q.text.is_empty())
        .collect())
}

/// (title, text) of each document line.
fn read_documents(path: &Path) -> EvalResult<Vec<(String, String)>> {
    let raw = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    raw.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).map_err(|e| e.to_string())?;
            Ok((v["title"].as_str().unwrap_or_default().to_string(), v["text"].as_str().unwrap_or_default().to_string()))
        })
        .collect()
}

/// The baseline: BM25 (k1 1.2, b 0.75) over whole documents, folded syllables and pairs.
struct Bm25 {
    titles: Vec<String>,
    postings: HashMap<String, Vec<(usize, f64)>>,
    norms: Vec<f64>,
}

impl Bm25 {
    const K1: f64 = 1.2;
    const B: f64 = 0.75;

    fn new(docs: &[(String, String)]) -> Bm25 {
        let mut postings: HashMap<String, Vec<(usize, f64)>> = HashMap::new();
        let mut lengths = Vec::with_capacity(docs.len());
        for (i, (_, text)) in docs.iter().enumerate() {
            let mut tf: HashMap<String, f64> = HashMap::new();
            let all = terms(&syllables(text));
            lengths.push(all.len() as f64);
            for t in all {
                *tf.entry(t).or_default() += 1.0;
            }
            for (t, f) in tf {
                postings.entry(t).or_default().push((i, f));
            }
        }
        let avg = (lengths.iter().sum::<f64>() / lengths.len().max(1) as f64).max(1.0);
        let norms = lengths.iter().map(|l| Self::K1 * (1.0 - Self::B + Self::B * l / avg)).collect();
        Bm25 { titles: docs.iter().map(|d| d.0.clone()).collect(), postings, norms }
    }

    fn top(&self, query: &str, k: usize) -> Vec<String> {
        let n = self.titles.len() as f64;
        let mut scores: HashMap<usize, f64> = HashMap::new();
        let mut seen = std::collections::HashSet::new();
        for t in terms(&syllables(query)) {
            if !seen.insert(t.clone()) {
                continue;
            }
            let Some(posting) = self.postings.get(&t) else { continue };
            let df = posting.len() as f64;
            let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
            for &(i, f) in posting {
                *scores.entry(i).or_default() += idf * f * (Self::K1 + 1.0) / (f + self.norms[i]);
            }
        }
        let mut ranked: Vec<(usize, f64)> = scores.into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.into_iter().take(k).map(|(i, _)| self.titles[i].clone()).collect()
    }
}

/// A server process on the set's database, stopped when dropped.
struct Server {
    child: std::process::Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> EvalResult<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

fn command(work: &Path, url: &str) -> EvalResult<std::process::Command> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut cmd = std::process::Command::new(exe);
    cmd.env("DATABASE_URL", url)
        .env("SOTAY_SEED_DEMO", "false")
        .env("SOTAY_SECRET_KEY_FILE", work.join("secret.key"))
        .env("SOTAY_FILES_DIR", work.join("files"))
        .env("SOTAY_SEARCH_DIR", work.join("search"))
        .env("RUST_LOG", "warn");
    Ok(cmd)
}

/// Waits until the server's worker has made the vectors of every published document (the
/// ranking is measured as it will be once they are all made). Fails when nothing moves for ten
/// minutes.
async fn wait_for_vectors(db: &sea_orm::DatabaseConnection) -> EvalResult<()> {
    let started = Instant::now();
    let (mut last, mut moved) = (u64::MAX, Instant::now());
    loop {
        let (made, published) = app::documents::search::meaning::coverage(db).await.map_err(|e| e.to_string())?;
        if made >= published {
            eprintln!("vectors of {published} documents made in {:.0?}", started.elapsed());
            return Ok(());
        }
        if made != last {
            eprintln!("vectors: {made} of {published} documents ({:.0?})", started.elapsed());
            (last, moved) = (made, Instant::now());
        } else if moved.elapsed() > Duration::from_secs(600) {
            return Err(format!("vectors stuck at {made} of {published}: is SOTAY_EMBEDDINGS_URL answering?"));
        }
        tokio::time::sleep(Duration::from_secs(10)).await;
    }
}

async fn start_server(work: &Path, url: &str) -> EvalResult<Server> {
    let site = work.join("site");
    std::fs::create_dir_all(site.join("pkg")).map_err(|e| e.to_string())?;
    let port = free_port()?;
    let log = std::fs::File::create(work.join("server.log")).map_err(|e| e.to_string())?;
    let child = command(work, url)?
        .arg("serve")
        .env("LEPTOS_OUTPUT_NAME", "sotay")
        .env("LEPTOS_SITE_ROOT", &site)
        .env("LEPTOS_SITE_PKG_DIR", "pkg")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log)
        .spawn()
        .map_err(|e| format!("server: {e}"))?;
    let server = Server { child, base: format!("http://127.0.0.1:{port}") };
    let http = reqwest::Client::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(300) {
        if http.get(format!("{}/dang-nhap", server.base)).send().await.is_ok_and(|r| r.status().is_success()) {
            return Ok(server);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Err(format!("the server did not start; see {}", work.join("server.log").display()))
}

/// Ordinary members of the demo province given a password, to ask as (each within the limit).
async fn members_to_ask_as(db: &sea_orm::DatabaseConnection, count: usize, password: &str) -> EvalResult<Vec<String>> {
    use app::db::entities::{credential, member};
    let demo: Vec<&str> = app::demo::province::DEMO_ACCOUNTS.iter().map(|a| a.0).collect();
    let rows: Vec<(i64, String)> = member::Entity::find()
        .select_only()
        .column(member::Column::Id)
        .column(member::Column::CardNo)
        .filter(member::Column::Phone.is_not_in(demo))
        .order_by_asc(member::Column::Id)
        .limit(count as u64)
        .into_tuple()
        .all(db)
        .await
        .map_err(|e| e.to_string())?;
    let hash = app::auth::service::hash_password(password).await.map_err(|e| e.to_string())?;
    let now = chrono::Utc::now();
    let credentials: Vec<credential::ActiveModel> = rows
        .iter()
        .map(|(id, _)| credential::ActiveModel { member_id: Set(*id), password_hash: Set(hash.clone()), must_change: Set(false), updated_at: Set(now) })
        .collect();
    for chunk in credentials.chunks(500) {
        credential::Entity::insert_many(chunk.to_vec()).exec(db).await.map_err(|e| e.to_string())?;
    }
    Ok(rows.into_iter().map(|(_, card)| card).collect())
}

async fn login(http: &reqwest::Client, base: &str, card: &str, password: &str) -> EvalResult<String> {
    let body: String = form_urlencoded::Serializer::new(String::new()).append_pair("identifier", card).append_pair("password", password).finish();
    let answer = http
        .post(format!("{base}/api/login"))
        .header(reqwest::header::ACCEPT, "application/json")
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !answer.status().is_success() {
        return Err(format!("sign-in of {card}: {}", answer.status()));
    }
    answer
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
        .ok_or_else(|| "no session cookie".into())
}

/// The first five distinct documents `/api/v1/search` lists (none if the question is refused).
/// Being over the search limit stops the run: it would count as misses.
async fn search(http: &reqwest::Client, base: &str, cookie: &str, q: &str) -> EvalResult<Vec<String>> {
    let answer = http.get(format!("{base}/api/v1/search")).query(&[("q", q), ("limit", "20")]).header(reqwest::header::COOKIE, cookie).send().await.map_err(|e| e.to_string())?;
    if answer.status().as_u16() == 429 {
        return Err(format!("searched too often: {}", answer.text().await.unwrap_or_default()));
    }
    let Ok(text) = answer.text().await else { return Ok(Vec::new()) };
    let Ok(body) = serde_json::from_str::<serde_json::Value>(&text) else { return Ok(Vec::new()) };
    let mut titles: Vec<String> = Vec::new();
    for hit in body["hits"].as_array().into_iter().flatten() {
        let title = hit["title"].as_str().unwrap_or_default().to_string();
        if !titles.contains(&title) {
            titles.push(title);
        }
    }
    titles.truncate(5);
    Ok(titles)
}

/// `/api/v1/ask`: whether it answered, and the title of the document its first quote is from.
async fn ask(http: &reqwest::Client, base: &str, cookie: &str, q: &str) -> EvalResult<(bool, Option<String>)> {
    let answer = http
        .post(format!("{base}/api/v1/ask"))
        .header(reqwest::header::COOKIE, cookie)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(serde_json::json!({ "question": q, "client_id": app::common::client_id::new() }).to_string())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = answer.status();
    let body: serde_json::Value = serde_json::from_str(&answer.text().await.map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    if status.as_u16() == 429 {
        return Err(format!("asked too often: {body}"));
    }
    if !status.is_success() {
        // Refused (too long…): not answered.
        eprintln!("ask refused ({status}): {body}");
        return Ok((false, None));
    }
    // The answer's fields sit beside the exchange's id.
    let found = body["found"].as_bool().unwrap_or(false);
    let cited = body["citations"][0]["document_title"].as_str().map(str::to_string);
    Ok((found, cited))
}

#[derive(Default)]
struct Tally {
    at1: usize,
    at5: usize,
    answered: usize,
    wrong_page: usize,
    /// Answers citing a document that does not hold the answer at all.
    not_holding: usize,
}

impl Tally {
    fn rank(&mut self, gold: &str, top: &[String]) {
        self.at1 += usize::from(top.first().is_some_and(|t| t == gold));
        self.at5 += usize::from(top.iter().any(|t| t == gold));
    }
}

async fn evaluate_set(folder: &Path) -> EvalResult<()> {
    let name = folder.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let questions = read_questions(&folder.join("questions.tsv"))?;
    let documents = read_documents(&folder.join("documents.jsonl"))?;
    // SOTAY_EVAL_DETAIL=FILE: one line per question asked, to study what went wrong (opened
    // first: a bad path fails before minutes of work).
    let mut detail = match std::env::var_os("SOTAY_EVAL_DETAIL") {
        Some(path) => Some(std::fs::File::create(Path::new(&path).with_extension(format!("{name}.tsv"))).map_err(|e| e.to_string())?),
        None => None,
    };
    let work = tempfile::Builder::new().prefix("sotay-eval-").tempdir().map_err(|e| e.to_string())?;
    let url = format!("sqlite://{}?mode=rwc", work.path().join("eval.db").display());
    let db = app::db::connect(&url).await.map_err(|e| e.to_string())?;
    app::db::migrate(&db).await.map_err(|e| e.to_string())?;
    app::demo::province::seed_if_empty(&db).await.map_err(|e| e.to_string())?;
    // Through the command line, as an operator would.
    let import = command(work.path(), &url)?.arg("import").arg(folder).arg("--publish").output().map_err(|e| format!("import: {e}"))?;
    if !import.status.success() {
        return Err(format!("import: {}", String::from_utf8_lossy(&import.stderr)));
    }
    let imported = app::db::entities::document::Entity::find()
        .filter(app::db::entities::document::Column::Published.eq(true))
        .count(&db)
        .await
        .map_err(|e| e.to_string())?;
    let password = hex::encode(app::common::client_id::new());
    let asks = questions.len() * 2;
    let cards = members_to_ask_as(&db, asks.div_ceil(ASKS_PER_MEMBER) + 1, &password).await?;
    let server = start_server(work.path(), &url).await?;
    let meaning = std::env::var("SOTAY_EMBEDDINGS_URL").is_ok_and(|u| !u.trim().is_empty());
    if meaning {
        wait_for_vectors(&db).await?;
    }
    let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().map_err(|e| e.to_string())?;
    let mut cookies = Vec::with_capacity(cards.len());
    for card in &cards {
        cookies.push(login(&http, &server.base, card, &password).await?);
    }
    let baseline = Bm25::new(&documents);
    println!();
    println!(
        "set {name}: {} questions over {imported} documents imported with `server import`; ranking by {}",
        questions.len(),
        if meaning { "words and meaning (SOTAY_EMBEDDINGS_URL)" } else { "words only (no SOTAY_EMBEDDINGS_URL)" }
    );
    let started = Instant::now();
    let mut rows: Vec<(&str, [Tally; 2])> = vec![("library search (/api/v1/search)", Default::default()), ("plain BM25 baseline", Default::default())];
    let mut asked = 0usize;
    let (mut search_times, mut ask_times) = (Vec::new(), Vec::new());
    for (variant, shape) in [(0usize, false), (1, true)] {
        for q in &questions {
            let text = if shape { app::db::fold::fold(&q.text) } else { q.text.clone() };
            let cookie = &cookies[asked / ASKS_PER_MEMBER];
            let timer = Instant::now();
            let found = search(&http, &server.base, cookie, &text).await?;
            search_times.push(timer.elapsed());
            rows[0].1[variant].rank(&q.gold, &found);
            rows[1].1[variant].rank(&q.gold, &baseline.top(&text, 5));
            let timer = Instant::now();
            let (answered, cited) = ask(&http, &server.base, cookie, &text).await?;
            ask_times.push(timer.elapsed());
            asked += 1;
            if let Some(file) = detail.as_mut() {
                use std::io::Write;
                let line = [text.as_str(), &q.gold, found.first().map_or("", String::as_str), if answered { "answered" } else { "-" }, cited.as_deref().unwrap_or("")].join("\t");
                writeln!(file, "{line}").map_err(|e| e.to_string())?;
            }
            let tally = &mut rows[0].1[variant];
            tally.answered += usize::from(answered);
            tally.wrong_page += usize::from(answered && cited.as_deref() != Some(q.gold.as_str()));
            tally.not_holding += usize::from(answered && !cited.as_deref().is_some_and(|c| q.held_by(c)));
        }
    }
    let n = questions.len().max(1) as f64;
    println!("{:<34} {:>22} {:>22}", "", "with diacritics", "without diacritics");
    println!("{:<34} {:>10} {:>11} {:>10} {:>11}", "", "Recall@1", "Recall@5", "Recall@1", "Recall@5");
    for (label, [with, without]) in &rows {
        println!(
            "{label:<34} {:>10.3} {:>11.3} {:>10.3} {:>11.3}",
            with.at1 as f64 / n,
            with.at5 as f64 / n,
            without.at1 as f64 / n,
            without.at5 as f64 / n
        );
    }
    let [with, without] = &rows[0].1;
    let share = |part: usize, whole: usize| if whole == 0 { 0.0 } else { part as f64 * 100.0 / whole as f64 };
    println!(
        "assistant (/api/v1/ask): answered {:.1}% / {:.1}%; of those, quoting another document than the one that answers {:.1}% / {:.1}%",
        share(with.answered, questions.len()),
        share(without.answered, questions.len()),
        share(with.wrong_page, with.answered),
        share(without.wrong_page, without.answered)
    );
    if questions.iter().any(|q| !q.also.is_empty()) {
        println!(
            "  ({} questions have their answer word for word in other documents too; quoting a document that does not hold it: {:.1}% / {:.1}%)",
            questions.iter().filter(|q| !q.also.is_empty()).count(),
            share(with.not_holding, with.answered),
            share(without.not_holding, without.answered)
        );
    }
    let (search_p50, search_p95) = crate::bench::percentiles(&mut search_times);
    let (ask_p50, ask_p95) = crate::bench::percentiles(&mut ask_times);
    println!(
        "({} searches and {} questions over HTTP in {:.1?}; as a member waits, p50 / p95: search {search_p50:.1?} / {search_p95:.1?}, question {ask_p50:.1?} / {ask_p95:.1?})",
        questions.len() * 2,
        questions.len() * 2,
        started.elapsed(),
    );
    drop(server);
    Ok(())
}
