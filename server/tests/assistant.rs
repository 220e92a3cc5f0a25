//! The virtual assistant on real SQLite and PostgreSQL: answers quote the cited article word for
//! word, never cite what the asker may not read, say plainly when nothing answers, understand
//! abbreviations and questions typed without diacritics; history is kept once per device id;
//! ratings, forwarding to the cell and the administrators' report; the server's voice.

use crate::common;

use std::collections::HashSet;

use app::assistant::service as assistant;
use app::db::entities::{document_audience, document_section};
use app::documents::search::SearchIndex;
use app::documents::service::{self as docs, ImportMeta};
use app::error::AppError;
use common::*;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

const DIEU_LE: &str = include_str!("../../app/demo-docs/dieu-le-dang-2011.md");
const HIEN_PHAP: &str = include_str!("../../app/demo-docs/hien-phap-2013.txt");

fn meta(title: &str, doc_type: &str, owner: i64, audience_all: bool) -> ImportMeta {
    ImportMeta {
        number: String::new(),
        title: title.into(),
        doc_type: doc_type.into(),
        level: "central".into(),
        issuer: "Đại hội đại biểu toàn quốc lần thứ XI".into(),
        issued_on: Some(date(2011, 1, 19)),
        topics: String::new(),
        owner_unit_id: owner,
        audience_all,
        published: true,
        source: "kiểm thử".into(),
    }
}

struct Library {
    f: Fixture,
    charter: i64,
    constitution: i64,
    /// Addressed to district A only.
    district_only: i64,
    index: SearchIndex,
}

async fn library(db: &DatabaseConnection) -> Library {
    let f = fixture(db).await;
    let charter = docs::import_text(db, &meta("Điều lệ Đảng Cộng sản Việt Nam", "dieu_le", f.root, true), DIEU_LE).await.unwrap().unwrap();
    let constitution = docs::import_text(db, &meta("Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam năm 2013", "hien_phap_luat", f.root, true), HIEN_PHAP)
        .await
        .unwrap()
        .unwrap();
    let district_only = docs::import_text(
        db,
        &meta("Kế hoạch của Huyện ủy Phụng Hiệp về chuyển đổi số", "ke_hoach", f.district_a, false),
        "Điều 1. Mục tiêu\nĐến năm 2026, mỗi chi bộ ấp có một tổ công nghệ số cộng đồng; đảng viên cài đặt ứng dụng Sổ tay đảng viên điện tử trên điện thoại thông minh.",
    )
    .await
    .unwrap()
    .unwrap();
    EntityTrait::insert(document_audience::ActiveModel { document_id: Set(district_only), unit_id: Set(f.district_a) }).exec(db).await.unwrap();
    let index = SearchIndex::build(db).await.unwrap();
    Library { f, charter, constitution, district_only, index }
}

/// The whole text of an article with its clauses, as stored.
async fn article_text(db: &DatabaseConnection, document_id: i64, anchor: &str) -> String {
    let sections = document_section::Entity::find().filter(document_section::Column::DocumentId.eq(document_id)).all(db).await.unwrap();
    let head = sections.iter().find(|s| s.anchor == anchor).unwrap_or_else(|| panic!("no section {anchor}"));
    sections
        .iter()
        .filter(|s| s.id == head.id || s.parent_id == Some(head.id) || s.anchor.starts_with(&format!("{anchor}-")))
        .map(|s| s.body.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

fn id(n: u32) -> String {
    format!("{n:08x}-0000-4000-8000-{n:012x}")
}

#[tokio::test]
async fn answers_quote_the_cited_article_verbatim_with_a_link() {
    on_both(|db| async move {
        let lib = library(&db).await;
        let member = user(&db, lib.f.member_c1).await;
        for (n, question, anchor) in [
            (1, "Thời kỳ dự bị của đảng viên là bao lâu?", "dieu-5"),
            (2, "Mỗi chi bộ có ít nhất bao nhiêu đảng viên chính thức?", "dieu-24"),
            (3, "Đảng viên có những quyền gì?", "dieu-3"),
            (4, "Công dân bao nhiêu tuổi thì có quyền bầu cử?", "dieu-27"),
        ] {
            let exchange = assistant::ask(&db, &lib.index, None, None, &member, question, &id(n), false).await.unwrap();
            let answer = &exchange.answer;
            assert!(answer.found, "{question}: no answer");
            assert_eq!(answer.mode, "extractive");
            let first = &answer.citations[0];
            assert_eq!(first.anchor, anchor, "{question}: cited {}", first.anchor);
            assert!(first.href().starts_with(&format!("/tai-lieu/{}#{anchor}", first.document_id)), "{}", first.href());
            // Every quoted sentence is in the article its citation names, word for word.
            assert!(!answer.sentences.is_empty(), "{question}: nothing quoted");
            for sentence in &answer.sentences {
                let cited = &answer.citations[sentence.citation - 1];
                let text = article_text(&db, cited.document_id, &cited.anchor).await;
                assert!(text.contains(&sentence.text), "{question}: «{}» is not in {}", sentence.text, cited.anchor);
            }
            assert!(answer.text.contains("[1]"));
        }
        // A list article is quoted with its list, not only "Đảng viên có quyền :".
        let rights = assistant::ask(&db, &lib.index, None, None, &member, "Đảng viên có những quyền gì?", &id(3), false).await.unwrap();
        assert!(rights.answer.sentences.len() >= 4, "{:?}", rights.answer.sentences);
        assert!(rights.answer.sentences.iter().any(|s| s.text.contains("biểu quyết")));
    })
    .await;
}

#[tokio::test]
async fn abbreviations_and_questions_without_diacritics_find_the_article() {
    on_both(|db| async move {
        let lib = library(&db).await;
        let member = user(&db, lib.f.member_c1).await;
        let visible = docs::visibility(&db, &member).await.unwrap();
        for (question, anchor) in [
            ("ĐV dự bị có quyền biểu quyết ko", "dieu-3"),
            ("CB có bao nhiêu ĐV chính thức thì bầu chi ủy", "dieu-24"),
            ("UBKT có nhiệm vụ gì", "dieu-32"),
            ("thoi ky du bi bao nhieu thang", "dieu-5"),
            ("18 tuổi có được vào Đảng không", "dieu-1"),
            ("khai tru dang vien can bao nhieu thanh vien de nghi", "dieu-38"),
        ] {
            let (answer, _) = assistant::answer_from(&lib.index, &visible, question).unwrap();
            assert!(answer.found, "{question}: not found");
            assert_eq!(answer.citations[0].anchor, anchor, "{question}");
            assert_eq!(answer.citations[0].document_id, lib.charter, "{question}");
        }
        let (constitution, _) = assistant::answer_from(&lib.index, &visible, "Quoc hoi nhiem ky bao nhieu nam").unwrap();
        assert_eq!(constitution.citations[0].document_id, lib.constitution);
    })
    .await;
}

#[tokio::test]
async fn unrelated_questions_get_a_plain_not_found() {
    on_both(|db| async move {
        let lib = library(&db).await;
        let member = user(&db, lib.f.member_c1).await;
        // The last is Party work, but nothing loaded says it: scattered syllables ("còn", "ba
        // tháng", "kỷ luật") must not pass for an answer.
        for (n, question) in [
            (10, "Giá vàng hôm nay bao nhiêu?"),
            (11, "Cách nấu phở bò ngon"),
            (12, "Dự báo thời tiết Hậu Giang ngày mai"),
            (13, "Đảng viên sinh con thứ ba có bị kỷ luật không?"),
        ] {
            let exchange = assistant::ask(&db, &lib.index, None, None, &member, question, &id(n), false).await.unwrap();
            assert!(!exchange.answer.found, "{question}: answered {:?}", exchange.answer.text);
            assert!(exchange.answer.sentences.is_empty() && exchange.answer.citations.is_empty());
            assert_eq!(exchange.answer.mode, "none");
        }
        // Bad input: a clear message on the question field, nothing stored.
        for bad in ["", "   ", "?!", &"đảng viên ".repeat(101)] {
            let err = assistant::ask(&db, &lib.index, None, None, &member, bad, &id(20), false).await.unwrap_err();
            assert!(err.field_message("question").is_some(), "{bad:?}: {err:?}");
        }
        assert!(assistant::ask(&db, &lib.index, None, None, &member, "Đảng viên là gì", "not an id", false).await.is_err());
        assert_eq!(assistant::home(&db, &member).await.unwrap().history.len(), 4);
    })
    .await;
}

#[tokio::test]
async fn answers_cite_only_documents_the_asker_may_read() {
    on_both(|db| async move {
        let lib = library(&db).await;
        let question = "Đảng viên cài đặt ứng dụng Sổ tay đảng viên điện tử trên điện thoại thông minh";
        let inside = user(&db, lib.f.member_c1).await;
        let outside = user(&db, lib.f.member_e1).await;
        let (answer, _) = assistant::answer_from(&lib.index, &docs::visibility(&db, &inside).await.unwrap(), question).unwrap();
        assert_eq!(answer.citations.first().map(|c| c.document_id), Some(lib.district_only), "the district's own member finds it");
        // A member of the bloc: the district's plan is neither cited nor among the candidates.
        let exchange = assistant::ask(&db, &lib.index, None, None, &outside, question, &id(30), false).await.unwrap();
        let json = serde_json::to_string(&exchange).unwrap();
        assert!(!json.contains("chuyển đổi số") && !json.contains("tổ công nghệ số"), "{json}");
        assert!(exchange.answer.citations.iter().chain([]).all(|c| c.document_id != lib.district_only));
        // The search did find passages for the outsider (in the charter), just none of the plan.
        assert!(!exchange.answer.candidates.is_empty(), "no candidates at all: the check below would prove nothing");
        assert!(exchange.answer.candidates.iter().all(|c| c.document_id != lib.district_only));
        // In the engine itself: every passage and section it can return for the outsider, however
        // many are asked for, leaves the plan out; the district's member gets it first.
        let terms = app::assistant::normalize::normalize(question).terms();
        let for_outside = docs::visibility(&db, &outside).await.unwrap();
        let passages = lib.index.passages(&terms, None, &for_outside, 10_000).unwrap();
        assert!(passages.len() > 5, "the outsider's candidates: {}", passages.len());
        assert!(passages.iter().all(|p| p.document_id != lib.district_only));
        let filters = app::documents::SearchFilters { q: question.into(), ..Default::default() };
        let sections = lib.index.search(&filters, &for_outside, 50).unwrap();
        assert!(!sections.is_empty());
        assert!(sections.iter().all(|h| h.document_id != lib.district_only));
        let for_inside = docs::visibility(&db, &inside).await.unwrap();
        assert_eq!(lib.index.search(&filters, &for_inside, 50).unwrap()[0].document_id, lib.district_only);
    })
    .await;
}

#[tokio::test]
async fn history_is_kept_once_per_device_id_and_rated_by_its_asker_only() {
    on_both(|db| async move {
        let lib = library(&db).await;
        let member = user(&db, lib.f.member_c1).await;
        let other = user(&db, lib.f.member_d1).await;
        let first = assistant::ask(&db, &lib.index, None, None, &member, "Đảng viên có những nhiệm vụ gì?", &id(40), true).await.unwrap();
        let again = assistant::ask(&db, &lib.index, None, None, &member, "Đảng viên có những nhiệm vụ gì?", &id(40), true).await.unwrap();
        assert_eq!(first.id, again.id);
        assert!(first.by_voice);
        let home = assistant::home(&db, &member).await.unwrap();
        assert_eq!(home.history.len(), 1);
        assert_eq!(home.history[0].answer, first.answer);
        assert!(!home.suggestions.is_empty());
        assert!(assistant::home(&db, &other).await.unwrap().history.is_empty(), "nobody sees another member's questions");

        assert!(matches!(assistant::rate(&db, &other, first.id, 1, "").await, Err(AppError::NotFound(_))));
        assert!(assistant::rate(&db, &member, first.id, 5, "").await.unwrap_err().field_message("rating").is_some());
        assistant::rate(&db, &member, first.id, -1, "Cần thêm ví dụ cụ thể").await.unwrap();
        let rated = assistant::home(&db, &member).await.unwrap().history.remove(0);
        assert_eq!((rated.rating, rated.comment.as_str()), (Some(-1), "Cần thêm ví dụ cụ thể"));
    })
    .await;
}

#[tokio::test]
async fn an_unanswered_question_goes_to_the_cell_once_and_administrators_see_it() {
    on_both(|db| async move {
        let lib = library(&db).await;
        let member = user(&db, lib.f.member_c1).await;
        let missing = assistant::ask(&db, &lib.index, None, None, &member, "Mức hỗ trợ mua bảo hiểm y tế cho đảng viên 50 năm tuổi đảng", &id(50), false).await.unwrap();
        assert!(!missing.answer.found);
        let question = assistant::forward_to_cell(&db, &member, missing.id).await.unwrap();
        assert_eq!(assistant::forward_to_cell(&db, &member, missing.id).await.unwrap(), question, "a second tap files nothing new");
        let detail = app::questions::service::detail(&db, &member, question).await.unwrap();
        assert_eq!(detail.summary.unit.id, lib.f.cell_c1);
        let secretary = user(&db, lib.f.secretary).await;
        assert!(app::questions::service::detail(&db, &secretary, question).await.is_ok(), "the cell's secretary receives it");
        let other = user(&db, lib.f.member_d1).await;
        assert!(assistant::forward_to_cell(&db, &other, missing.id).await.is_err());

        let answered = assistant::ask(&db, &lib.index, None, None, &member, "Ai có quyền sửa đổi Điều lệ Đảng?", &id(51), false).await.unwrap();
        assistant::rate(&db, &member, answered.id, -1, "Muốn biết thêm quy trình").await.unwrap();
        let admin = user(&db, lib.f.admin).await;
        let report = assistant::report(&db, &admin).await.unwrap();
        assert_eq!((report.asked, report.answered, report.unhelpful), (2, 1, 1));
        assert_eq!(report.unanswered.len(), 1);
        assert!(report.unanswered[0].question.contains("bảo hiểm y tế"));
        assert_eq!(report.unanswered[0].unit_name, "Chi bộ ấp 1");
        assert_eq!(report.disliked[0].comment, "Muốn biết thêm quy trình");
        assert!(matches!(assistant::report(&db, &member).await, Err(AppError::Forbidden(_))));
        assert!(matches!(assistant::report(&db, &secretary).await, Err(AppError::Forbidden(_))));
    })
    .await;
}

#[tokio::test]
async fn every_expected_article_of_the_question_set_exists_and_recall_holds() {
    // The set is checked against the real demo library (a typo in an anchor would pass silently
    // as a miss otherwise), and the retriever must keep its measured quality.
    let db = sqlite().await;
    app::demo::province::seed_if_empty(&db).await.unwrap();
    app::demo::province::seed_documents_if_empty(&db).await.unwrap();
    let index = SearchIndex::build(&db).await.unwrap();
    let documents = app::db::entities::document::Entity::find().all(&db).await.unwrap();
    let keys = app::assistant::eval::demo_document_keys(&documents);
    assert_eq!(keys.len(), 4);
    let sections = document_section::Entity::find().all(&db).await.unwrap();
    let anchors: HashSet<(i64, &str)> = sections.iter().map(|s| (s.document_id, s.anchor.as_str())).collect();
    let questions = app::assistant::eval::questions();
    assert!(questions.iter().filter(|q| q.expects_answer()).count() >= 150, "at least 150 answerable questions");
    for q in questions.iter().filter(|q| q.expects_answer()) {
        let doc = keys[&q.document];
        assert!(!q.anchors.is_empty(), "{}: an answerable question names no expected article", q.question);
        assert!(q.anchors.iter().all(|a| anchors.contains(&(doc, a.as_str()))), "{}: no {:?} in {}", q.question, q.anchors, q.document);
    }
    let report = app::assistant::eval::evaluate(&index, &keys);
    assert!(report.recall_at_5 >= 0.9, "Recall@5 {:.3}; misses: {:#?}", report.recall_at_5, report.misses);
    assert!(report.unrelated_refused >= 0.8, "unrelated questions answered: {:.3}", report.unrelated_refused);
}

#[tokio::test]
async fn the_server_voice_returns_a_wav_cached_by_text_and_refuses_bad_input() {
    let dir = std::env::temp_dir().join(format!("sotay-tts-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let text = "Theo Điều 5, Điều lệ Đảng: Người được kết nạp vào Đảng phải trải qua thời kỳ dự bị mười hai tháng [1].";
    let first = app::assistant::speech::synthesize(&dir, text).await.unwrap();
    assert!(!first.cached);
    let wav = &first.wav;
    assert_eq!(&wav[0..4], b"RIFF");
    assert_eq!(&wav[8..12], b"WAVE");
    assert_eq!(u32::from_le_bytes([wav[4], wav[5], wav[6], wav[7]]) as usize, wav.len() - 8, "RIFF size matches the file");
    assert!(wav.len() > 22_050, "at least half a second of audio at 22 kHz 16-bit");
    let again = app::assistant::speech::synthesize(&dir, text).await.unwrap();
    assert!(again.cached);
    assert_eq!(again.wav, first.wav);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    for bad in ["", "   ", &"đảng viên ".repeat(600)] {
        let err = app::assistant::speech::synthesize(&dir, bad).await.unwrap_err();
        assert!(err.field_message("text").is_some(), "{err:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A stand-in language model server on 127.0.0.1: answers every chat completion with `reply`
/// after `delay`, and records what it was asked.
async fn model_server(reply: &'static str, delay: std::time::Duration) -> (String, std::sync::Arc<std::sync::Mutex<Vec<serde_json::Value>>>) {
    use axum::{Json, Router, routing::post};
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let app = Router::new().route(
        "/v1/chat/completions",
        post(move |Json(body): Json<serde_json::Value>| {
            let log = log.clone();
            async move {
                log.lock().unwrap().push(body);
                tokio::time::sleep(delay).await;
                Json(serde_json::json!({ "choices": [{ "message": { "role": "assistant", "content": reply } }] }))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

#[tokio::test]
async fn a_configured_model_phrases_answers_only_with_valid_citations_else_the_extractive_answer_stands() {
    let db = sqlite().await;
    let lib = library(&db).await;
    let member = user(&db, lib.f.member_c1).await;
    let question = "Thời kỳ dự bị của đảng viên là bao lâu?";
    let llm = |url: String, timeout_ms| app::state::LlmConfig { url, model: "local".into(), timeout_ms };

    let (url, seen) = model_server("Người vào Đảng phải qua thời kỳ dự bị mười hai tháng, tính từ ngày chi bộ tổ chức lễ kết nạp [1].", Default::default()).await;
    let phrased = assistant::ask(&db, &lib.index, None, Some(&llm(url, 5_000)), &member, question, &id(60), false).await.unwrap();
    assert_eq!(phrased.answer.mode, "generative");
    assert_eq!(phrased.answer.sentences[0].citation, 1);
    assert_eq!(phrased.answer.citations[0].anchor, "dieu-5");
    // The model was given the retrieved passages and told to use nothing else.
    let asked = serde_json::to_string(&seen.lock().unwrap()[0]).unwrap();
    assert!(asked.contains("mười hai tháng") && asked.contains("chỉ dựa vào các đoạn trích"), "{asked}");

    // A reply that cites nothing, or a passage it was not given, is not shown.
    for (n, reply) in [(61, "Thời kỳ dự bị là một năm."), (62, "Thời kỳ dự bị là mười hai tháng [7].")] {
        let (url, _) = model_server(reply, Default::default()).await;
        let exchange = assistant::ask(&db, &lib.index, None, Some(&llm(url, 5_000)), &member, question, &id(n), false).await.unwrap();
        assert_eq!(exchange.answer.mode, "extractive", "{reply}");
    }
    // Too slow: the extractive answer, without waiting for the model.
    let (url, _) = model_server("Mười hai tháng [1].", std::time::Duration::from_secs(5)).await;
    let started = std::time::Instant::now();
    let slow = assistant::ask(&db, &lib.index, None, Some(&llm(url, 300)), &member, question, &id(63), false).await.unwrap();
    assert_eq!(slow.answer.mode, "extractive");
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    // Nothing listening at all.
    let down = assistant::ask(&db, &lib.index, None, Some(&llm("http://127.0.0.1:9".into(), 1_000)), &member, question, &id(64), false).await.unwrap();
    assert_eq!(down.answer.mode, "extractive");
}

/// Waits, if need be, until the current window of `limit` has at least 15 seconds left, so the
/// calls that follow (a few seconds) all count in one window.
async fn in_one_window(limit: &app::common::rate_limit::Limit) {
    let left = limit.window_secs - chrono::Utc::now().timestamp().rem_euclid(limit.window_secs);
    if left < 15 {
        tokio::time::sleep(std::time::Duration::from_secs(left as u64 + 1)).await;
    }
}

#[tokio::test]
async fn the_server_voice_is_limited_per_member_and_others_are_unaffected() {
    use app::assistant::speech::{self, DEFAULT_CACHE_BYTES, SPEECH_LIMIT};
    on_both(|db| async move {
        let f = fixture(&db).await;
        let member = user(&db, f.member_c1).await;
        let other = user(&db, f.member_d1).await;
        let dir = std::env::temp_dir().join(format!("sotay-tts-limit-{}-{}", std::process::id(), rand_suffix()));
        let text = "Đảng viên phải gương mẫu.";
        in_one_window(&SPEECH_LIMIT).await;
        // A text that cannot be read is refused without using up the quota.
        let err = speech::speak(&db, &member, &dir, DEFAULT_CACHE_BYTES, "  ").await.unwrap_err();
        assert!(err.field_message("text").is_some(), "{err:?}");
        for n in 0..SPEECH_LIMIT.calls {
            let heard = speech::speak(&db, &member, &dir, DEFAULT_CACHE_BYTES, text).await.unwrap();
            assert_eq!(heard.cached, n > 0);
        }
        let err = speech::speak(&db, &member, &dir, DEFAULT_CACHE_BYTES, text).await.unwrap_err();
        let AppError::TooMany { message, .. } = &err else { panic!("expected TooMany, got {err:?}") };
        assert!(message.starts_with("Đồng chí đã dùng hết 60 lượt nghe đọc trong 10 phút. Vui lòng thử lại sau"), "{message}");
        assert_eq!(err.status_code(), 429);
        // Another member still hears it (from the cache).
        assert!(speech::speak(&db, &other, &dir, DEFAULT_CACHE_BYTES, text).await.unwrap().cached);
        let _ = std::fs::remove_dir_all(&dir);
    })
    .await;
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}

#[tokio::test]
async fn questions_to_the_assistant_are_limited_per_member() {
    use app::assistant::service::ASK_LIMIT;
    on_both(|db| async move {
        let lib = library(&db).await;
        let member = user(&db, lib.f.member_c1).await;
        let other = user(&db, lib.f.member_d1).await;
        let question = "Thời kỳ dự bị của đảng viên là bao lâu?";
        in_one_window(&ASK_LIMIT).await;
        for n in 0..ASK_LIMIT.calls as u32 {
            assistant::ask(&db, &lib.index, None, None, &member, question, &id(100 + n), false).await.unwrap();
        }
        let err = assistant::ask(&db, &lib.index, None, None, &member, question, &id(200), false).await.unwrap_err();
        let AppError::TooMany { message, .. } = &err else { panic!("expected TooMany, got {err:?}") };
        assert!(message.starts_with("Đồng chí đã dùng hết 30 lượt hỏi trợ lý ảo trong 10 phút."), "{message}");
        // A resend of a question already answered is no new work: it still gets its answer.
        let resent = assistant::ask(&db, &lib.index, None, None, &member, question, &id(100), false).await.unwrap();
        assert!(resent.answer.found);
        assert!(assistant::ask(&db, &lib.index, None, None, &other, question, &id(300), false).await.unwrap().answer.found);
    })
    .await;
}

#[tokio::test]
async fn searches_are_limited_per_member_across_the_library_and_the_faq() {
    use app::common::rate_limit::SEARCH_LIMIT;
    use app::documents::SearchFilters;
    on_both(|db| async move {
        let lib = library(&db).await;
        let member = user(&db, lib.f.member_c1).await;
        let other = user(&db, lib.f.member_d1).await;
        let search = SearchFilters { q: "thời kỳ dự bị".into(), ..SearchFilters::default() };
        in_one_window(&SEARCH_LIMIT).await;
        for _ in 0..3 {
            assert!(!docs::library(&db, &lib.index, None, &member, &search).await.unwrap().hits.is_empty());
        }
        // The rest of the minute's searches, counted as the searches count them (quickly, so the
        // window cannot end in between).
        let now = chrono::Utc::now();
        for _ in 3..SEARCH_LIMIT.calls {
            app::common::rate_limit::count(&db, &SEARCH_LIMIT, &lib.f.member_c1.to_string(), now).await.unwrap();
        }
        let err = docs::library(&db, &lib.index, None, &member, &search).await.unwrap_err();
        let AppError::TooMany { message, .. } = &err else { panic!("expected TooMany, got {err:?}") };
        assert!(message.starts_with("Đồng chí đã dùng hết 60 lượt tìm kiếm trong 1 phút. Vui lòng thử lại sau"), "{message}");
        // One count for every way of searching: the FAQ is refused too.
        assert!(matches!(app::questions::service::faq(&db, &lib.index, &member, "đảng phí").await, Err(AppError::TooMany { .. })));
        // Browsing the library (no words) does no search and is not counted.
        assert!(!docs::library(&db, &lib.index, None, &member, &SearchFilters::default()).await.unwrap().documents.is_empty());
        // Another member is unaffected.
        assert!(!docs::library(&db, &lib.index, None, &other, &search).await.unwrap().hits.is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_speech_cache_stays_within_its_cap_dropping_the_least_recently_used() {
    use app::assistant::speech::synthesize_within;
    let root = std::env::temp_dir().join(format!("sotay-tts-cap-{}-{}", std::process::id(), rand_suffix()));
    let texts = ["Điều một. Đảng viên phải gương mẫu.", "Điều hai. Chi bộ họp mỗi tháng một lần.", "Điều ba. Đảng viên đóng đảng phí.", "Điều bốn. Chi bộ giới thiệu người vào Đảng."];
    // The size of each text's audio, made once without a cap.
    let mut sizes = Vec::new();
    for text in texts {
        sizes.push(synthesize_within(&root.join("sizes"), u64::MAX, text).await.unwrap().wav.len() as u64);
    }
    let [a, b, c, d] = texts;
    // Room for the first three, and for D in place of B.
    let cap = sizes[0] + sizes[2] + sizes[1].max(sizes[3]);
    let dir = root.join("cache");
    let wav_bytes = || -> (usize, u64) {
        let files: Vec<u64> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.path().extension().is_some_and(|x| x == "wav"))
            .map(|e| e.metadata().unwrap().len())
            .collect();
        (files.len(), files.iter().sum())
    };
    for text in [a, b, c] {
        assert!(!synthesize_within(&dir, cap, text).await.unwrap().cached);
    }
    assert_eq!(wav_bytes().0, 3);
    // A is heard again: now B is the least recently used.
    assert!(synthesize_within(&dir, cap, a).await.unwrap().cached);
    assert!(!synthesize_within(&dir, cap, d).await.unwrap().cached);
    let (files, bytes) = wav_bytes();
    assert!(bytes <= cap, "{bytes} bytes kept, cap {cap}");
    assert_eq!(files, 3);
    assert!(synthesize_within(&dir, cap, d).await.unwrap().cached, "the newest is served from the cache");
    assert!(synthesize_within(&dir, cap, a).await.unwrap().cached, "the one heard again is kept");
    assert!(synthesize_within(&dir, cap, c).await.unwrap().cached);
    // B was dropped: made again (and something else makes room for it).
    assert!(!synthesize_within(&dir, cap, b).await.unwrap().cached);
    assert!(wav_bytes().1 <= cap);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn two_servers_evicting_one_speech_folder_at_once_agree_and_neither_fails() {
    use app::assistant::speech::evict;
    let dir = std::env::temp_dir().join(format!("sotay-tts-evict-{}-{}", std::process::id(), rand_suffix()));
    assert_eq!(evict(&dir, 0, &dir.join("none.wav")), 0, "no folder yet: nothing to do");
    std::fs::create_dir_all(&dir).unwrap();
    let start = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for n in 0..40u64 {
        let path = dir.join(format!("{n:02}.wav"));
        std::fs::write(&path, vec![0u8; 1000]).unwrap();
        std::fs::File::options().write(true).open(&path).unwrap().set_modified(start + std::time::Duration::from_secs(n)).unwrap();
    }
    // A half-written file of a server that stopped long ago goes too; a fresh one stays.
    let stale = dir.join("ab.123-0.part");
    std::fs::write(&stale, b"RIFF").unwrap();
    std::fs::File::options().write(true).open(&stale).unwrap().set_modified(start - std::time::Duration::from_secs(7200)).unwrap();
    std::fs::write(dir.join("cd.456-0.part"), b"RIFF").unwrap();
    let keep = dir.join("39.wav");
    let (one, two) = std::thread::scope(|s| {
        let one = s.spawn(|| evict(&dir, 10_000, &keep));
        let two = s.spawn(|| evict(&dir, 10_000, &keep));
        (one.join().unwrap(), two.join().unwrap())
    });
    let mut left: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    left.sort();
    let mut expected: Vec<String> = (30..40).map(|n| format!("{n:02}.wav")).collect();
    expected.push("cd.456-0.part".into());
    assert_eq!(left, expected, "the ten most recently used are kept");
    assert_eq!(one + two, 31, "each file removed once, by one of the two");
    let _ = std::fs::remove_dir_all(&dir);
}
