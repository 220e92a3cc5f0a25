//! SeaORM entities, one file per table as `sea-orm-cli generate entity` lays them out. Plain
//! tables; joins that matter for speed are written with sea-query in the domain services (the
//! join paths they share are in `joins`), so no relation graph is declared here.

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod unit;
pub mod unit_closure;
pub mod member;
pub mod membership;
pub mod position;
pub mod credential;
pub mod activation_code;
pub mod session;
pub mod rate_counter;
pub mod document;
pub mod document_audience;
pub mod document_section;
pub mod search_change;
pub mod assignment;
pub mod reading_event;
pub mod reading_clock;
pub mod reading_section;
pub mod reading_status;
pub mod document_version;
pub mod document_attachment;
pub mod bookmark;
pub mod reader_note;
pub mod member_pref;
pub mod quiz_question;
pub mod quiz_attempt;
pub mod quiz_sheet;
pub mod rubric;
pub mod rubric_criterion;
pub mod meeting;
pub mod meeting_document;
pub mod meeting_attendance;
pub mod meeting_score;
pub mod meeting_review;
pub mod meeting_rating;
pub mod meeting_rater;
pub mod meeting_minutes;
pub mod meeting_qr_code;
pub mod question;
pub mod question_event;
pub mod notification;
pub mod announcement;
pub mod announcement_recipient;
pub mod faq_entry;
pub mod consultation;
pub mod consultation_invitee;
pub mod consultation_comment;
pub mod app_secret;
pub mod push_subscription;
pub mod notification_pref;
pub mod push_outbox;
/// Ad-hoc join paths (the entities declare no relations).
pub mod joins;
pub mod offline_write;
pub mod assistant_exchange;
pub mod document_vector;
pub mod document_vector_claim;
