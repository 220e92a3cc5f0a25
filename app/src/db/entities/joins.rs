use sea_orm::{EntityTrait, RelationDef};

use super::{meeting, meeting_document, meeting_rating, member, unit, unit_closure};

/// `unit_closure.descendant_id = members.unit_id`: members below an ancestor.
pub fn closure_members() -> RelationDef {
    unit_closure::Entity::belongs_to(member::Entity)
        .from(unit_closure::Column::DescendantId)
        .to(member::Column::UnitId)
        .into()
}

/// `units.id = unit_closure.descendant_id`: units below an ancestor.
pub fn unit_ancestors() -> RelationDef {
    unit::Entity::belongs_to(unit_closure::Entity)
        .from(unit::Column::Id)
        .to(unit_closure::Column::DescendantId)
        .into()
}

/// `members.unit_id = unit_closure.descendant_id`: filter members by an ancestor.
pub fn member_ancestors() -> RelationDef {
    member::Entity::belongs_to(unit_closure::Entity)
        .from(member::Column::UnitId)
        .to(unit_closure::Column::DescendantId)
        .into()
}

/// `meetings.unit_id = unit_closure.descendant_id`: meetings below an ancestor.
pub fn meeting_ancestors() -> RelationDef {
    meeting::Entity::belongs_to(unit_closure::Entity)
        .from(meeting::Column::UnitId)
        .to(unit_closure::Column::DescendantId)
        .into()
}

/// `meeting_documents.meeting_id = meetings.id`.
pub fn meeting_document_meeting() -> RelationDef {
    meeting_document::Entity::belongs_to(meeting::Entity)
        .from(meeting_document::Column::MeetingId)
        .to(meeting::Column::Id)
        .into()
}

/// `meeting_ratings.meeting_id = meetings.id`.
pub fn rating_meeting() -> RelationDef {
    meeting_rating::Entity::belongs_to(meeting::Entity)
        .from(meeting_rating::Column::MeetingId)
        .to(meeting::Column::Id)
        .into()
}
