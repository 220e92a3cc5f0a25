//! Importing a province's organisation and members from a spreadsheet (`.xlsx`, `.xls`, `.ods`,
//! `.csv`): the exports of the Party-member database ("CSDL đảng viên") or a committee's own lists.
//!
//! Columns are found by their Vietnamese headers, whatever their case, diacritics or common
//! variant ("Họ và tên" / "Họ tên"). Each row's unit path (district-level committee › grassroots
//! organisation › partial committee › cell) is matched against the units under the unit imported
//! into, and the missing ones are created; members are matched by card number, so importing the
//! same list again updates records instead of duplicating them, and reports what changed.
//!
//! **All or nothing.** The whole file is planned before anything is written. If any row is
//! refused, nothing is written and the report names every refused row and column (a dry run is
//! the same plan, never written); otherwise everything is written in one transaction. A
//! committee fixes its sheet and imports it again — there is never a half-imported file.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set,
    TransactionTrait,
};

use super::service::{CleanMember, check_fields, move_member_ids, new_member_row};
use super::{ImportReport, MemberChange, MemberForm, MemberStatus, MissingMember, PositionChange, RowProblem};
use crate::auth::Role;
use crate::db::entities::{activation_code, member, membership, position, unit, unit_closure};
use crate::db::fold::{fold, fold_padded, name_sort_key};
use crate::error::{AppError, AppResult};
use crate::units::UnitKind;
use crate::units::service::{insert_unit, kind_of};
use crate::validate::Checks;

/// Largest file taken (an export of ~35,000 members is ~5 MB as .xlsx).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// What a zipped workbook (.xlsx, .ods) may expand to, checked before it is read.
const MAX_UNZIPPED_BYTES: u64 = 400 * 1024 * 1024;
/// Data rows in one file (a province has ~35,000 members; the largest ~250,000 are split by
/// district).
pub const MAX_ROWS: usize = 200_000;
const MAX_COLUMNS: usize = 100;
const MAX_CELL_CHARS: usize = 500;
/// Rows above the header that may hold a title ("DANH SÁCH ĐẢNG VIÊN…").
const HEADER_SEARCH_ROWS: usize = 30;
/// Rows per statement when inserting (well under SQLite's and PostgreSQL's parameter limits).
const CHUNK: usize = 500;

// ---------------------------------------------------------------------------------------------
// Reading the file

fn file_error(message: impl Into<String>) -> AppError {
    AppError::invalid("file", message)
}

/// The file's first sheet as text, row by row, with the sheet's own row numbers (1-based).
pub fn read_rows(file_name: &str, bytes: &[u8]) -> AppResult<Vec<(usize, Vec<String>)>> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(file_error(format!("Tệp lớn hơn {} MB; hãy tách theo từng đảng bộ.", MAX_FILE_BYTES >> 20)));
    }
    let extension = file_name.rsplit_once('.').map(|(_, e)| e.to_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "csv" => read_csv(bytes),
        "xlsx" | "xlsm" => {
            check_unzipped_size(bytes, MAX_UNZIPPED_BYTES)?;
            read_sheet(calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(Cursor::new(bytes)).map_err(unreadable)?)
        }
        "ods" => {
            check_unzipped_size(bytes, MAX_UNZIPPED_BYTES)?;
            read_sheet(calamine::open_workbook_from_rs::<calamine::Ods<_>, _>(Cursor::new(bytes)).map_err(unreadable)?)
        }
        "xls" => read_sheet(calamine::open_workbook_from_rs::<calamine::Xls<_>, _>(Cursor::new(bytes)).map_err(unreadable)?),
        _ => Err(file_error("Chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv.")),
    }
}

fn unreadable(cause: impl std::fmt::Display) -> AppError {
    tracing::info!(%cause, "an uploaded spreadsheet could not be read");
    file_error("Không đọc được tệp bảng tính: tệp hỏng hoặc không đúng định dạng của phần mở rộng.")
}

/// A zip bomb is refused before the spreadsheet reader inflates it into memory.
fn check_unzipped_size(bytes: &[u8], limit: u64) -> AppResult<()> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    // Inflated and counted, not taken from the sizes the archive declares (a crafted archive
    // can lie about them); reading stops one byte past the bound.
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive.by_index(index).map_err(unreadable)?;
        let left = limit - total;
        total += std::io::copy(&mut std::io::Read::take(entry, left + 1), &mut std::io::sink()).map_err(unreadable)?;
        if total > limit {
            break;
        }
    }
    if total > limit {
        return Err(file_error("Tệp bảng tính giải nén ra quá lớn; hãy tách theo từng đảng bộ."));
    }
    Ok(())
}

fn read_sheet<'a, R: calamine::Reader<Cursor<&'a [u8]>>>(mut workbook: R) -> AppResult<Vec<(usize, Vec<String>)>>
where
    R::Error: std::fmt::Display,
{
    let range = workbook.worksheet_range_at(0).ok_or_else(|| file_error("Tệp không có trang tính nào."))?.map_err(unreadable)?;
    if range.height() > MAX_ROWS + HEADER_SEARCH_ROWS {
        return Err(too_many_rows());
    }
    let first_row = range.start().map(|(row, _)| row as usize).unwrap_or(0);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| (first_row + i + 1, cells.iter().take(MAX_COLUMNS).map(cell_text).collect()))
        .collect())
}

fn too_many_rows() -> AppError {
    file_error(format!("Tệp có hơn {MAX_ROWS} dòng; hãy tách theo từng đảng bộ."))
}

/// A cell as the text a person would read: whole numbers without ".0" (card and phone numbers
/// typed as numbers), dates as dd/mm/yyyy.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    let text = match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_string(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => excel_serial_date(d.as_f64()).map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default(),
    };
    text.chars().take(MAX_CELL_CHARS).collect()
}

fn read_csv(bytes: &[u8]) -> AppResult<Vec<(usize, Vec<String>)>> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| file_error("Tệp .csv phải được lưu với bảng mã UTF-8 (trong Excel: “CSV UTF-8”)."))?;
    // Excel in a Vietnamese locale writes `;` between fields; others write `,`.
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        if i >= MAX_ROWS + HEADER_SEARCH_ROWS {
            return Err(too_many_rows());
        }
        let record = record.map_err(|e| file_error(format!("Dòng {} của tệp .csv không đọc được: {e}", i + 1)))?;
        rows.push((i + 1, record.iter().take(MAX_COLUMNS).map(|c| c.trim().chars().take(MAX_CELL_CHARS).collect()).collect()));
    }
    Ok(rows)
}

/// Excel's day numbers count from 1899-12-30 (which absorbs its 1900 leap-year bug for every
/// date after February 1900).
fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(Duration::days(serial.floor() as i64))
}

// ---------------------------------------------------------------------------------------------
// Columns

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Field {
    FullName,
    CardNo,
    BirthDate,
    Gender,
    Phone,
    Email,
    AdmittedOn,
    OfficialOn,
    /// A unit of the path, from the top: district-level committee, grassroots organisation,
    /// partial committee, cell.
    Unit(Level),
    /// "Chức vụ đảng": Bí thư or Phó Bí thư of the row's cell.
    PartyRole,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Level {
    UpperGrassroots,
    Grassroots,
    Partial,
    Cell,
}

/// Headers as people write them, folded (no diacritics, lower case, single spaces); a header
/// matches when its folded text is one of these.
const HEADERS: &[(Field, &[&str])] = &[
    (Field::FullName, &["ho va ten", "ho ten", "ho ten dang vien", "ho va ten dang vien", "ten dang vien"]),
    (Field::CardNo, &["so the dang vien", "so the", "so the dv", "the dang vien", "so the dang"]),
    (Field::BirthDate, &["ngay sinh", "ngay thang nam sinh", "sinh ngay"]),
    (Field::Gender, &["gioi tinh", "gioi"]),
    (Field::Phone, &["so dien thoai", "dien thoai", "sdt", "so dt", "dien thoai di dong"]),
    (Field::Email, &["email", "e-mail", "thu dien tu", "dia chi email"]),
    (Field::AdmittedOn, &["ngay vao dang", "ngay ket nap", "ngay ket nap dang", "ngay vao dang lan dau"]),
    (Field::OfficialOn, &["ngay chinh thuc", "ngay vao dang chinh thuc", "ngay chuyen chinh thuc", "ngay dang chinh thuc"]),
    (
        Field::Unit(Level::UpperGrassroots),
        &["dang bo cap tren co so", "dang bo huyen", "dang bo truc thuoc", "dang bo cap huyen", "dang bo truc thuoc tinh uy"],
    ),
    (Field::Unit(Level::Grassroots), &["dang bo co so", "dang bo xa", "to chuc co so dang"]),
    (Field::Unit(Level::Partial), &["dang bo bo phan"]),
    (Field::Unit(Level::Cell), &["chi bo", "chi bo sinh hoat", "ten chi bo", "chi bo co so"]),
    // Not a bare "Chức vụ" (often the job at work) nor "Chức vụ đảng ủy" (a committee's).
    (Field::PartyRole, &["chuc vu dang", "chuc vu trong dang", "chuc vu dang hien nay", "chuc vu dang neu co", "chuc vu chi bo"]),
];

const REQUIRED: [Field; 5] = [Field::FullName, Field::CardNo, Field::BirthDate, Field::AdmittedOn, Field::Unit(Level::Cell)];

fn header_field(text: &str) -> Option<Field> {
    let folded = fold(text).replace(['.', ':', '*', '(', ')'], " ");
    let folded = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    HEADERS.iter().find(|(_, names)| names.contains(&folded.as_str())).map(|(field, _)| *field)
}

/// Where each field is, and the header text as the file writes it (for messages).
struct Columns {
    at: HashMap<Field, usize>,
    headers: Vec<String>,
}

impl Columns {
    fn label(&self, field: Field) -> String {
        self.at.get(&field).and_then(|&i| self.headers.get(i)).cloned().unwrap_or_default()
    }

    fn value<'r>(&self, row: &'r [String], field: Field) -> &'r str {
        self.at.get(&field).and_then(|&i| row.get(i)).map(String::as_str).unwrap_or("")
    }
}

/// Finds the header row among the first rows (a title may stand above it).
fn find_columns(rows: &[(usize, Vec<String>)]) -> AppResult<(usize, Columns)> {
    let mut best: Option<(usize, Columns)> = None;
    for (index, (_, cells)) in rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        let mut at = HashMap::new();
        for (i, cell) in cells.iter().enumerate() {
            if let Some(field) = header_field(cell) {
                at.entry(field).or_insert(i);
            }
        }
        if at.len() > best.as_ref().map(|(_, c)| c.at.len()).unwrap_or(0) {
            best = Some((index, Columns { at, headers: cells.clone() }));
        }
    }
    let Some((index, columns)) = best else {
        return Err(file_error(format!("Không thấy dòng tiêu đề cột trong {HEADER_SEARCH_ROWS} dòng đầu của tệp.")));
    };
    let missing: Vec<&str> = REQUIRED.iter().filter(|f| !columns.at.contains_key(f)).map(|f| field_name(*f)).collect();
    if !missing.is_empty() {
        return Err(file_error(format!("Tệp thiếu cột: {}. Hãy dùng tệp mẫu của trang nhập.", missing.join(", "))));
    }
    Ok((index, columns))
}

/// The template's header for a field (also how a missing column is named).
fn field_name(field: Field) -> &'static str {
    match field {
        Field::FullName => "Họ và tên",
        Field::CardNo => "Số thẻ đảng viên",
        Field::BirthDate => "Ngày sinh",
        Field::Gender => "Giới tính",
        Field::Phone => "Số điện thoại",
        Field::Email => "Email",
        Field::AdmittedOn => "Ngày vào Đảng",
        Field::OfficialOn => "Ngày chính thức",
        Field::Unit(Level::UpperGrassroots) => "Đảng bộ cấp trên cơ sở",
        Field::Unit(Level::Grassroots) => "Đảng bộ cơ sở",
        Field::Unit(Level::Partial) => "Đảng bộ bộ phận",
        Field::Unit(Level::Cell) => "Chi bộ",
        Field::PartyRole => "Chức vụ đảng",
    }
}

/// The template's columns, in order.
pub const TEMPLATE_HEADERS: [&str; 13] = [
    "Họ và tên",
    "Số thẻ đảng viên",
    "Ngày sinh",
    "Giới tính",
    "Số điện thoại",
    "Email",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Đảng bộ cấp trên cơ sở",
    "Đảng bộ cơ sở",
    "Đảng bộ bộ phận",
    "Chi bộ",
    "Chức vụ đảng",
];

/// The template offered on the import page: the expected headers (bold, frozen, wide enough)
/// and two example rows, dates as real dates.
pub fn template_xlsx() -> AppResult<Vec<u8>> {
    use crate::spreadsheet::{Cell, text};
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).map_or_else(|| text(""), Cell::Date);
    let rows = vec![
        TEMPLATE_HEADERS.iter().map(|h| text(h)).collect(),
        vec![
            text("Nguyễn Văn An"), Cell::Digits("64012345".into()), day(1980, 5, 19), text("Nam"), Cell::Digits("0912345678".into()), text(""),
            day(2005, 2, 3), day(2006, 2, 3), text("Đảng bộ huyện Phụng Hiệp"), text("Đảng bộ xã Hòa An"), text(""), text("Chi bộ ấp 1"),
            text("Bí thư chi bộ"),
        ],
        vec![
            text("Trần Thị Bích Ngọc"), Cell::Digits("64012346".into()), day(1990, 9, 2), text("Nữ"), Cell::Digits("0987654321".into()), text(""),
            day(2019, 5, 19), text(""), text("Đảng bộ Khối các cơ quan tỉnh"), text(""), text(""), text("Chi bộ Sở Tư pháp"),
            text(""),
        ],
    ];
    crate::spreadsheet::workbook(&[("Danh sách đảng viên", rows)]).map_err(|e| {
        tracing::error!(error = %e, "writing the import template");
        AppError::Internal
    })
}

// ---------------------------------------------------------------------------------------------
// Rows

/// A data row read into the member form's terms.
struct SheetRow {
    row: usize,
    form: MemberForm,
    /// The unit path from the top, names as written.
    path: Vec<(Level, String)>,
    /// "Chức vụ đảng" as written.
    role: String,
}

/// A cell position as sheets write it: `Ok(None)` for a plain member (or nothing written),
/// `Err(())` for a position the import does not record (a committee's, written by an
/// administrator on the member's profile).
fn sheet_role(text: &str) -> Result<Option<Role>, ()> {
    let folded = fold(text).replace(['.', ',', '(', ')'], " ");
    match folded.split_whitespace().collect::<Vec<_>>().join(" ").as_str() {
        "" | "-" | "dang vien" | "khong" => Ok(None),
        "bi thu" | "bi thu chi bo" => Ok(Some(Role::Secretary)),
        "pho bi thu" | "pho bi thu chi bo" => Ok(Some(Role::DeputySecretary)),
        _ => Err(()),
    }
}

fn sheet_row(columns: &Columns, row: usize, cells: &[String]) -> SheetRow {
    let value = |field| columns.value(cells, field).to_string();
    let path = [Level::UpperGrassroots, Level::Grassroots, Level::Partial, Level::Cell]
        .into_iter()
        .filter_map(|level| {
            let name = columns.value(cells, Field::Unit(level)).split_whitespace().collect::<Vec<_>>().join(" ");
            (!name.is_empty()).then_some((level, name))
        })
        .collect();
    SheetRow {
        row,
        form: MemberForm {
            full_name: value(Field::FullName),
            birth_date: sheet_date(&value(Field::BirthDate)),
            gender: sheet_gender(&value(Field::Gender)),
            card_no: value(Field::CardNo),
            phone: sheet_phone(&value(Field::Phone)),
            email: value(Field::Email),
            admitted_on: sheet_date(&value(Field::AdmittedOn)),
            official_on: sheet_date(&value(Field::OfficialOn)),
        },
        path,
        role: value(Field::PartyRole).trim().to_string(),
    }
}

/// Dates as the sheets write them: dd/mm/yyyy (also with `-` or `.`), yyyy-mm-dd, or an Excel
/// day number kept as text; anything else is left for the form's check to refuse by name.
fn sheet_date(text: &str) -> String {
    let text = text.trim();
    if text.len() == 5
        && text.chars().all(|c| c.is_ascii_digit())
        && let Some(date) = text.parse::<f64>().ok().and_then(excel_serial_date)
    {
        return date.format("%d/%m/%Y").to_string();
    }
    let mut parts: Vec<&str> = text.split(['/', '-', '.']).map(str::trim).collect();
    if parts.first().is_some_and(|y| y.len() == 4) {
        parts.reverse();
    }
    if let [d, m, y] = parts[..]
        && y.len() == 4
        && let (Ok(d), Ok(m), Ok(y)) = (d.parse::<u32>(), m.parse::<u32>(), y.parse::<i32>())
        && let Some(date) = NaiveDate::from_ymd_opt(y, m, d)
    {
        return date.format("%d/%m/%Y").to_string();
    }
    text.to_string()
}

fn sheet_gender(text: &str) -> String {
    match fold(text).as_str() {
        "nam" | "male" | "m" => "nam".into(),
        "nu" | "female" | "f" => "nu".into(),
        other => other.to_string(),
    }
}

/// A mobile number typed as a number loses its leading 0 (912345678): it is put back.
fn sheet_phone(text: &str) -> String {
    let digits: String = text.chars().filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-' | '(' | ')')).collect();
    if digits.len() == 9 && digits.chars().all(|c| c.is_ascii_digit()) && matches!(digits.as_bytes()[0], b'3' | b'5' | b'7' | b'8' | b'9') {
        format!("0{digits}")
    } else {
        text.trim().to_string()
    }
}

/// The column a form field's message belongs to.
fn form_field(name: &str) -> Field {
    match name {
        "full_name" => Field::FullName,
        "birth_date" => Field::BirthDate,
        "gender" => Field::Gender,
        "card_no" => Field::CardNo,
        "phone" => Field::Phone,
        "email" => Field::Email,
        "admitted_on" => Field::AdmittedOn,
        "official_on" => Field::OfficialOn,
        _ => Field::FullName,
    }
}

// ---------------------------------------------------------------------------------------------
// Units

/// A unit under the one imported into: one that exists, or one the file makes.
#[derive(Debug, Clone)]
struct Node {
    existing: Option<i64>,
    parent: Option<usize>,
    kind: UnitKind,
    name: String,
    open: bool,
}

/// The units under the unit imported into, by parent and folded name, plus those the plan adds.
struct Tree {
    nodes: Vec<Node>,
    children: HashMap<(usize, String), Vec<usize>>,
    by_name: HashMap<String, Vec<usize>>,
    by_id: HashMap<i64, usize>,
    new_nodes: Vec<usize>,
}

impl Tree {
    async fn load(db: &impl ConnectionTrait, root: &unit::Model) -> AppResult<Tree> {
        let ids: Vec<i64> = unit_closure::Entity::find()
            .select_only()
            .column(unit_closure::Column::DescendantId)
            .filter(unit_closure::Column::AncestorId.eq(root.id))
            .into_tuple()
            .all(db)
            .await?;
        let mut units = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            units.extend(unit::Entity::find().filter(unit::Column::Id.is_in(chunk.iter().copied())).all(db).await?);
        }
        // Parents before children, so every parent has its index when a child is placed.
        units.sort_by_key(|u| (u.depth, u.id));
        let mut tree =
            Tree { nodes: Vec::new(), children: HashMap::new(), by_name: HashMap::new(), by_id: HashMap::new(), new_nodes: Vec::new() };
        for u in units {
            let parent = u.parent_id.and_then(|p| tree.by_id.get(&p).copied()).filter(|_| u.id != root.id);
            let index = tree.add(Node { existing: Some(u.id), parent, kind: kind_of(&u), name: u.name.clone(), open: u.valid_to.is_none() });
            tree.by_id.insert(u.id, index);
        }
        Ok(tree)
    }

    fn add(&mut self, node: Node) -> usize {
        let index = self.nodes.len();
        let key = fold(&node.name);
        if let Some(parent) = node.parent {
            self.children.entry((parent, key.clone())).or_default().push(index);
        }
        self.by_name.entry(key).or_default().push(index);
        self.nodes.push(node);
        index
    }

    fn path_label(&self, mut index: usize) -> String {
        let mut names = vec![self.nodes[index].name.clone()];
        while let Some(parent) = self.nodes[index].parent {
            if self.nodes[parent].parent.is_none() {
                break;
            }
            names.push(self.nodes[parent].name.clone());
            index = parent;
        }
        names.reverse();
        names.join(" › ")
    }

    /// The cell a row's path leads to, creating (in the plan) the units that do not exist.
    fn resolve(&mut self, root: usize, path: &[(Level, String)]) -> Result<usize, (Level, String)> {
        let Some(((first_level, first_name), rest)) = path.split_first() else {
            return Err((Level::Cell, "Vui lòng ghi tên chi bộ.".into()));
        };
        if path.last().map(|(level, _)| *level) != Some(Level::Cell) {
            return Err((Level::Cell, "Vui lòng ghi tên chi bộ.".into()));
        }
        // The first unit the row names may stand anywhere under the unit imported into, or be
        // that unit (a sheet of one district need not repeat the province; a cell's own list
        // names the cell); the rest must follow it.
        let mut at = self.find_anywhere(root, *first_level, first_name)?;
        for (level, name) in rest {
            at = self.child(at, *level, name)?;
        }
        Ok(at)
    }

    fn find_anywhere(&mut self, root: usize, level: Level, name: &str) -> Result<usize, (Level, String)> {
        let candidates: Vec<usize> = self
            .by_name
            .get(&fold(name))
            .map(|found| found.iter().copied().filter(|&i| fits(level, self.nodes[i].kind)).collect())
            .unwrap_or_default();
        let open: Vec<usize> = candidates.iter().copied().filter(|&i| self.nodes[i].open).collect();
        match (open.as_slice(), candidates.is_empty()) {
            ([one], _) => Ok(*one),
            ([], true) => self.child(root, level, name),
            ([], false) => Err((level, format!("“{name}” đã giải thể hoặc sáp nhập."))),
            (_, _) => Err((level, format!("Có nhiều đơn vị tên “{name}”; hãy thêm cột đơn vị cấp trên để phân biệt."))),
        }
    }

    fn child(&mut self, parent: usize, level: Level, name: &str) -> Result<usize, (Level, String)> {
        let key = (parent, fold(name));
        let found: Vec<usize> = self.children.get(&key).cloned().unwrap_or_default();
        if let Some(&open) = found.iter().find(|&&i| self.nodes[i].open) {
            return Ok(open);
        }
        if !found.is_empty() {
            return Err((level, format!("“{name}” đã giải thể hoặc sáp nhập.")));
        }
        let above = &self.nodes[parent];
        if !above.open {
            return Err((level, format!("“{}” đã giải thể hoặc sáp nhập, không thể lập đơn vị mới trực thuộc.", above.name)));
        }
        let kind = kind_for(level, above.kind).ok_or_else(|| {
            (level, format!("Không thể lập “{name}” trực thuộc {} “{}”.", above.kind.label().to_lowercase(), above.name))
        })?;
        let index = self.add(Node { existing: None, parent: Some(parent), kind, name: name.to_string(), open: true });
        self.new_nodes.push(index);
        Ok(index)
    }
}

/// Whether an existing unit of `kind` can be what a column of `level` names.
fn fits(level: Level, kind: UnitKind) -> bool {
    match level {
        Level::UpperGrassroots => kind == UnitKind::UpperGrassroots,
        Level::Grassroots => matches!(kind, UnitKind::Grassroots),
        Level::Partial => kind == UnitKind::Partial,
        Level::Cell => kind.holds_members(),
    }
}

/// The kind a new unit of `level` takes under a parent of `parent` kind, if the Charter allows it.
fn kind_for(level: Level, parent: UnitKind) -> Option<UnitKind> {
    let kind = match level {
        Level::UpperGrassroots => UnitKind::UpperGrassroots,
        Level::Grassroots => UnitKind::Grassroots,
        Level::Partial => UnitKind::Partial,
        // A cell directly under a district-level committee or the province is a grassroots cell.
        Level::Cell if matches!(parent, UnitKind::Provincial | UnitKind::UpperGrassroots) => UnitKind::GrassrootsCell,
        Level::Cell => UnitKind::Cell,
    };
    parent.allowed_children().contains(&kind).then_some(kind)
}

// ---------------------------------------------------------------------------------------------
// The plan

/// Field labels of the report.
const LABELS: [(&str, &str); 8] = [
    ("full_name", "họ và tên"),
    ("birth_date", "ngày sinh"),
    ("gender", "giới tính"),
    ("phone", "số điện thoại"),
    ("email", "email"),
    ("admitted_on", "ngày vào Đảng"),
    ("official_on", "ngày chính thức"),
    ("cell", "chi bộ"),
];

fn label(name: &str) -> String {
    LABELS.iter().find(|(n, _)| *n == name).map(|(_, l)| (*l).to_string()).unwrap_or_default()
}

/// One member to write.
struct Planned {
    row: usize,
    clean: CleanMember,
    cell: usize,
    /// The member found by card number and the fields that change, if any.
    existing: Option<(member::Model, Vec<&'static str>)>,
    /// The cell position the row gives.
    role: Option<Role>,
}

/// Imports `file` into the subtree of `root`: plans every row, then — unless `dry_run` or a row
/// is refused — writes it all in one transaction. `progress(done, total)` is called as rows are
/// planned and written. Who may import into `root` is the caller's check.
pub async fn import(
    db: &DatabaseConnection,
    root: &unit::Model,
    rows: Vec<(usize, Vec<String>)>,
    dry_run: bool,
    mut progress: impl FnMut(usize, usize),
) -> AppResult<ImportReport> {
    let (header, columns) = find_columns(&rows)?;
    let data: Vec<SheetRow> = rows[header + 1..]
        .iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
        .map(|(row, cells)| sheet_row(&columns, *row, cells))
        .collect();
    if data.len() > MAX_ROWS {
        return Err(too_many_rows());
    }
    let total = data.len() * 2;
    let mut tree = Tree::load(db, root).await?;
    let root_index = *tree.by_id.get(&root.id).ok_or(AppError::Internal)?;
    let mut report = ImportReport { unit: root.name.clone(), rows: data.len(), ..Default::default() };
    let refuse = |report: &mut ImportReport, row: usize, field: Field, message: String| {
        let column = if columns.at.contains_key(&field) { columns.label(field) } else { field_name(field).to_string() };
        report.refused.push(RowProblem { row, column, message });
    };

    // What the database already knows of the file's numbers: two queries per 500 rows.
    let cards: Vec<String> = data.iter().map(|r| crate::auth::service::normalize_identifier(&r.form.card_no)).collect();
    let phones: Vec<String> =
        data.iter().map(|r| crate::auth::service::normalize_identifier(&r.form.phone)).filter(|p| !p.is_empty()).collect();
    let by_card = members_by(db, member::Column::CardNo, &cards).await?;
    let by_phone = members_by(db, member::Column::Phone, &phones).await?;
    // Both numbers sign a member in: a card number may not be anyone else's phone, nor the reverse.
    let phone_is_card = members_by(db, member::Column::Phone, &cards).await?;
    let mut card_rows: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut phone_rows: HashMap<String, Vec<usize>> = HashMap::new();
    for (r, card) in data.iter().zip(&cards) {
        card_rows.entry(card.as_str()).or_default().push(r.row);
        let phone = crate::auth::service::normalize_identifier(&r.form.phone);
        if !phone.is_empty() {
            phone_rows.entry(phone).or_default().push(r.row);
        }
    }

    let mut planned: Vec<Planned> = Vec::with_capacity(data.len());
    for (done, (sheet, card)) in data.iter().zip(&cards).enumerate() {
        if done % 1000 == 0 {
            progress(done, total);
        }
        let mut checks = Checks::new();
        let checked = check_fields(&mut checks, &sheet.form);
        let mut refused = false;
        for error in checks.errors() {
            refuse(&mut report, sheet.row, form_field(&error.field), error.message.clone());
            refused = true;
        }
        if let Some(rows) = card_rows.get(card.as_str()).filter(|rows| rows.len() > 1 && !card.is_empty()) {
            refuse(&mut report, sheet.row, Field::CardNo, format!("Số thẻ {card} có ở nhiều dòng: {}.", join_rows(rows)));
            refused = true;
        }
        let existing = by_card.get(card.as_str());
        if let Some(phone) = checked.phone.as_deref().filter(|_| !checks.has("phone")) {
            if let Some(rows) = phone_rows.get(phone).filter(|rows| rows.len() > 1) {
                refuse(&mut report, sheet.row, Field::Phone, format!("Số điện thoại {phone} có ở nhiều dòng: {}.", join_rows(rows)));
                refused = true;
            } else if by_phone.get(phone).is_some_and(|holder| existing.is_none_or(|e| e.id != holder.id)) {
                // Whose it is stays unsaid: the holder may be outside this committee's units.
                refuse(&mut report, sheet.row, Field::Phone, "Số điện thoại này đã được đảng viên khác sử dụng.".into());
                refused = true;
            } else if by_card.contains_key(phone) {
                refuse(&mut report, sheet.row, Field::Phone, "Số điện thoại này trùng số thẻ của một đảng viên khác.".into());
                refused = true;
            }
        }
        if phone_is_card.get(card.as_str()).is_some_and(|holder| existing.is_none_or(|e| e.id != holder.id)) {
            refuse(&mut report, sheet.row, Field::CardNo, "Số thẻ này trùng số điện thoại của một đảng viên khác.".into());
            refused = true;
        }
        if let Some(e) = existing
            && !tree.by_id.contains_key(&e.unit_id)
        {
            refuse(&mut report, sheet.row, Field::CardNo, format!("Đảng viên số thẻ {card} đang sinh hoạt ở đơn vị ngoài phạm vi nhập."));
            refused = true;
        }
        let cell = match tree.resolve(root_index, &sheet.path) {
            Ok(cell) => Some(cell),
            Err((level, message)) => {
                refuse(&mut report, sheet.row, Field::Unit(level), message);
                None
            }
        };
        let (Some(clean), Some(cell), false) = (checked.clean, cell, refused) else {
            continue;
        };
        let existing = existing.cloned().map(|model| {
            let changes = changes(&model, &clean, tree.nodes[cell].existing);
            (model, changes)
        });
        if let Some((model, changes)) = &existing
            && changes.contains(&"cell")
            && model.status != MemberStatus::Active.as_str()
        {
            refuse(&mut report, sheet.row, Field::Unit(Level::Cell), "Đảng viên này không còn sinh hoạt; không chuyển chi bộ qua tệp nhập.".into());
            continue;
        }
        let role = match sheet_role(&sheet.role) {
            Ok(role) => role,
            Err(()) => {
                report.roles_not_read.push(RowProblem {
                    row: sheet.row,
                    column: columns.label(Field::PartyRole),
                    message: format!("Chức vụ “{}” không ghi từ tệp (chỉ Bí thư, Phó Bí thư chi bộ); quản trị viên phân công trên hồ sơ đảng viên.", sheet.role.chars().take(80).collect::<String>()),
                });
                None
            }
        };
        planned.push(Planned { row: sheet.row, clean, cell, existing, role });
    }
    plan_positions(db, &tree, &planned, &mut report, |row, message| {
        RowProblem { row, column: columns.label(Field::PartyRole), message }
    })
    .await?;

    report.new_units = tree.new_nodes.iter().map(|&i| tree.path_label(i)).collect();
    for p in &planned {
        match &p.existing {
            None => report.created += 1,
            Some((_, changes)) if changes.is_empty() => report.unchanged += 1,
            Some((model, changes)) => report.updated.push(MemberChange {
                row: p.row,
                card_no: model.card_no.clone(),
                full_name: p.clean.full_name.clone(),
                fields: changes.iter().map(|c| label(c)).collect(),
            }),
        }
    }
    let named: HashSet<&str> = cards.iter().map(String::as_str).collect();
    report.missing = missing_members(db, &tree, &named).await?;
    if dry_run || !report.refused.is_empty() {
        progress(total, total);
        return Ok(report);
    }
    write(db, &mut tree, root, &planned, |done| progress(data.len() + done, total)).await?;
    progress(total, total);
    report.applied = true;
    Ok(report)
}

/// The cell positions the file gives: refused when a cell would get two secretaries, listed
/// (`report.positions`) when a member does not hold them yet, with the secretary each replaces.
async fn plan_positions(
    db: &impl ConnectionTrait,
    tree: &Tree,
    planned: &[Planned],
    report: &mut ImportReport,
    problem: impl Fn(usize, String) -> RowProblem,
) -> AppResult<()> {
    let mut secretaries: HashMap<usize, Vec<usize>> = HashMap::new();
    for p in planned.iter().filter(|p| p.role == Some(Role::Secretary)) {
        secretaries.entry(p.cell).or_default().push(p.row);
    }
    for (cell, rows) in &secretaries {
        if rows.len() > 1 {
            for &row in rows {
                report.refused.push(problem(row, format!("{} có nhiều Bí thư trong tệp: dòng {}.", tree.nodes[*cell].name, join_rows(rows))));
            }
        }
    }
    // Members found by card number whose rows give a position: in office, and serving nowhere
    // outside the import's units (a position there is for the level above to change).
    let given: Vec<&member::Model> = planned.iter().filter(|p| p.role.is_some()).filter_map(|p| p.existing.as_ref().map(|(m, _)| m)).collect();
    let outside = positions_outside(db, tree, &given.iter().map(|m| m.id).collect::<Vec<_>>()).await?;
    for p in planned {
        let Some((model, _)) = p.existing.as_ref().filter(|_| p.role.is_some()) else { continue };
        if model.status != MemberStatus::Active.as_str() {
            report.refused.push(problem(p.row, "Đảng viên này không còn sinh hoạt; không phân công chức vụ qua tệp nhập.".into()));
        } else if outside.contains(&model.id) {
            report.refused.push(problem(p.row, "Đảng viên này giữ chức vụ ở đơn vị ngoài phạm vi nhập; chức vụ của đồng chí do cấp trên phân công.".into()));
        }
    }
    let held = cell_positions(db, tree).await?;
    for p in planned {
        let Some(role) = p.role else { continue };
        let member_id = p.existing.as_ref().map(|(m, _)| m.id);
        let cell_id = tree.nodes[p.cell].existing;
        let holders = cell_id.and_then(|c| held.get(&c)).map(Vec::as_slice).unwrap_or(&[]);
        if member_id.is_some_and(|id| already_holds(holders, id, role)) {
            continue;
        }
        let replaces = (role == Role::Secretary)
            .then(|| holders.iter().find(|h| h.role == Role::Secretary && Some(h.member_id) != member_id))
            .flatten()
            .map(|h| h.full_name.clone());
        report.positions.push(PositionChange { row: p.row, full_name: p.clean.full_name.clone(), role, cell: tree.path_label(p.cell), replaces });
    }
    Ok(())
}

/// Whether `member_id` already holds `role` in the cell (a secretary named deputy in a file stays
/// secretary: the import gives positions, it never takes one away).
fn already_holds(holders: &[Holder], member_id: i64, role: Role) -> bool {
    holders.iter().any(|h| h.member_id == member_id && (h.role == role || (role == Role::DeputySecretary && h.role == Role::Secretary)))
}

/// Which of `ids` hold a position today in a unit outside the import's units.
async fn positions_outside(db: &impl ConnectionTrait, tree: &Tree, ids: &[i64]) -> AppResult<HashSet<i64>> {
    let today = crate::common::time::today();
    let mut outside = HashSet::new();
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<(i64, i64)> = position::Entity::find()
            .select_only()
            .column(position::Column::MemberId)
            .column(position::Column::UnitId)
            .filter(position::Column::MemberId.is_in(chunk.iter().copied()))
            .filter(position::Column::ToDate.is_null().or(position::Column::ToDate.gt(today)))
            .into_tuple()
            .all(db)
            .await?;
        outside.extend(rows.into_iter().filter(|(_, unit)| !tree.by_id.contains_key(unit)).map(|(member, _)| member));
    }
    Ok(outside)
}

/// Someone holding a cell position today.
struct Holder {
    member_id: i64,
    full_name: String,
    role: Role,
}

/// The secretaries and deputies of the tree's existing cells, by cell.
async fn cell_positions(db: &impl ConnectionTrait, tree: &Tree) -> AppResult<HashMap<i64, Vec<Holder>>> {
    let cells: Vec<i64> = tree.nodes.iter().filter(|n| n.kind.holds_members()).filter_map(|n| n.existing).collect();
    let mut rows: Vec<(i64, i64, String)> = Vec::new();
    for chunk in cells.chunks(CHUNK) {
        rows.extend(
            position::Entity::find()
                .select_only()
                .column(position::Column::UnitId)
                .column(position::Column::MemberId)
                .column(position::Column::Role)
                .filter(position::Column::UnitId.is_in(chunk.iter().copied()))
                .filter(position::Column::Role.is_in([Role::Secretary.as_str(), Role::DeputySecretary.as_str()]))
                .filter(position::Column::FromDate.lte(crate::common::time::today()))
                .filter(position::Column::ToDate.is_null().or(position::Column::ToDate.gt(crate::common::time::today())))
                .into_tuple::<(i64, i64, String)>()
                .all(db)
                .await?,
        );
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.1).collect::<HashSet<_>>().into_iter().collect();
    let mut names: HashMap<i64, String> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        names.extend(
            member::Entity::find()
                .select_only()
                .column(member::Column::Id)
                .column(member::Column::FullName)
                .filter(member::Column::Id.is_in(chunk.iter().copied()))
                .into_tuple::<(i64, String)>()
                .all(db)
                .await?,
        );
    }
    let mut held: HashMap<i64, Vec<Holder>> = HashMap::new();
    for (unit_id, member_id, role) in rows {
        if let Some(role) = Role::parse(&role) {
            let full_name = names.get(&member_id).cloned().unwrap_or_default();
            held.entry(unit_id).or_default().push(Holder { member_id, full_name, role });
        }
    }
    Ok(held)
}

fn join_rows(rows: &[usize]) -> String {
    rows.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")
}

/// Members whose `column` is one of `values`, by that value.
async fn members_by(db: &impl ConnectionTrait, column: member::Column, values: &[String]) -> AppResult<HashMap<String, member::Model>> {
    let mut found = HashMap::new();
    let mut values: Vec<&String> = values.iter().filter(|v| !v.is_empty()).collect();
    values.sort_unstable();
    values.dedup();
    for chunk in values.chunks(CHUNK) {
        for m in member::Entity::find().filter(column.is_in(chunk.iter().map(|v| v.as_str()))).all(db).await? {
            let key = match column {
                member::Column::Phone => m.phone.clone().unwrap_or_default(),
                _ => m.card_no.clone(),
            };
            found.insert(key, m);
        }
    }
    Ok(found)
}

/// Which fields the file changes. A blank phone, email or official date in the file means
/// "not given", never "erase".
fn changes(model: &member::Model, clean: &CleanMember, cell: Option<i64>) -> Vec<&'static str> {
    let mut changed = Vec::new();
    if model.full_name != clean.full_name {
        changed.push("full_name");
    }
    if model.birth_date != clean.birth_date {
        changed.push("birth_date");
    }
    if model.gender != clean.gender {
        changed.push("gender");
    }
    if clean.phone.is_some() && model.phone != clean.phone {
        changed.push("phone");
    }
    if clean.email.is_some() && model.email != clean.email {
        changed.push("email");
    }
    if model.admitted_on != clean.admitted_on {
        changed.push("admitted_on");
    }
    if clean.official_on.is_some() && model.official_on != clean.official_on {
        changed.push("official_on");
    }
    if cell != Some(model.unit_id) {
        changed.push("cell");
    }
    changed
}

/// Active members of the imported subtree that the file does not name.
async fn missing_members(db: &impl ConnectionTrait, tree: &Tree, named: &HashSet<&str>) -> AppResult<Vec<MissingMember>> {
    let cells: Vec<i64> = tree.nodes.iter().filter(|n| n.kind.holds_members()).filter_map(|n| n.existing).collect();
    let mut missing = Vec::new();
    for chunk in cells.chunks(CHUNK) {
        let rows: Vec<(String, String, i64)> = member::Entity::find()
            .select_only()
            .column(member::Column::CardNo)
            .column(member::Column::FullName)
            .column(member::Column::UnitId)
            .filter(member::Column::UnitId.is_in(chunk.iter().copied()))
            .filter(member::Column::Status.eq(MemberStatus::Active.as_str()))
            .into_tuple()
            .all(db)
            .await?;
        for (card_no, full_name, unit_id) in rows {
            if !named.contains(card_no.as_str()) {
                let cell = tree.by_id.get(&unit_id).map(|&i| tree.path_label(i)).unwrap_or_default();
                missing.push(MissingMember { card_no, full_name, cell });
            }
        }
    }
    missing.sort_by(|a, b| (&a.cell, &a.full_name).cmp(&(&b.cell, &b.full_name)));
    Ok(missing)
}

// ---------------------------------------------------------------------------------------------
// Writing

async fn write(
    db: &DatabaseConnection,
    tree: &mut Tree,
    root: &unit::Model,
    planned: &[Planned],
    mut progress: impl FnMut(usize),
) -> AppResult<()> {
    let txn = db.begin().await?;
    // Two imports into one unit at once (two servers, a page sent twice) write one after the
    // other on PostgreSQL, so the second sees the first's secretaries; SQLite has one writer.
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({})", IMPORT_LOCK_BASE + root.id)).await?;
    }
    create_units(&txn, tree, root).await?;
    let now = Utc::now();
    let today = crate::common::time::today();
    let cell_ids: HashMap<usize, i64> = tree.nodes.iter().enumerate().filter_map(|(i, n)| n.existing.map(|id| (i, id))).collect();
    let cell_from: HashMap<i64, NaiveDate> = unit::Entity::find()
        .select_only()
        .column(unit::Column::Id)
        .column(unit::Column::ValidFrom)
        .filter(unit::Column::Id.is_in(planned.iter().filter_map(|p| cell_ids.get(&p.cell).copied()).collect::<HashSet<_>>()))
        .into_tuple::<(i64, NaiveDate)>()
        .all(&txn)
        .await?
        .into_iter()
        .collect();

    let new: Vec<&Planned> = planned.iter().filter(|p| p.existing.is_none()).collect();
    let mut done = 0;
    // Every planned member's id by card number: those found, then those created here.
    let mut member_ids: HashMap<String, i64> =
        planned.iter().filter_map(|p| p.existing.as_ref().map(|(m, _)| (p.clean.card_no.clone(), m.id))).collect();
    for chunk in new.chunks(CHUNK) {
        let rows = chunk.iter().filter_map(|p| {
            let cell = *cell_ids.get(&p.cell)?;
            Some(new_member_row(&p.clean, cell, now))
        });
        // PostgreSQL hands the new ids back with the insert. Looking them up by card number
        // instead cost it 0.23 s a chunk on a new database: within the import's transaction the
        // table still looks empty to its planner, which then scans it whole.
        let ids: HashMap<String, i64> = if txn.support_returning() {
            member::Entity::insert_many(rows).exec_with_returning(&txn).await?.into_iter().map(|m| (m.card_no, m.id)).collect()
        } else {
            member::Entity::insert_many(rows).exec_without_returning(&txn).await?;
            member::Entity::find()
                .select_only()
                .column(member::Column::CardNo)
                .column(member::Column::Id)
                .filter(member::Column::CardNo.is_in(chunk.iter().map(|p| p.clean.card_no.as_str())))
                .into_tuple::<(String, i64)>()
                .all(&txn)
                .await?
                .into_iter()
                .collect()
        };
        membership::Entity::insert_many(chunk.iter().filter_map(|p| {
            let member_id = *ids.get(&p.clean.card_no)?;
            let cell = *cell_ids.get(&p.cell)?;
            let from = cell_from.get(&cell).map_or(p.clean.admitted_on, |&f| Ord::max(f, p.clean.admitted_on));
            Some(membership::ActiveModel {
                member_id: Set(member_id),
                unit_id: Set(cell),
                from_date: Set(from),
                to_date: Set(None),
                reason: Set("Nhập từ danh sách đảng viên".into()),
                ..Default::default()
            })
        }))
        .exec_without_returning(&txn)
        .await?;
        member_ids.extend(ids.iter().map(|(card, id)| (card.clone(), *id)));
        done += chunk.len();
        progress(done);
    }

    let mut moves: HashMap<i64, Vec<i64>> = HashMap::new();
    for p in planned {
        let Some((model, changes)) = &p.existing else { continue };
        if changes.is_empty() {
            continue;
        }
        let mut active: member::ActiveModel = model.clone().into();
        let c = &p.clean;
        active.full_name = Set(c.full_name.clone());
        active.folded_name = Set(fold_padded(&c.full_name));
        active.sort_key = Set(name_sort_key(&c.full_name));
        active.birth_date = Set(c.birth_date);
        active.gender = Set(c.gender.clone());
        if c.phone.is_some() {
            active.phone = Set(c.phone.clone());
        }
        if c.email.is_some() {
            active.email = Set(c.email.clone());
        }
        active.admitted_on = Set(c.admitted_on);
        if c.official_on.is_some() {
            active.official_on = Set(c.official_on);
        }
        active.updated_at = Set(now);
        active.update(&txn).await?;
        if changes.contains(&"cell")
            && let Some(&cell) = cell_ids.get(&p.cell)
        {
            moves.entry(cell).or_default().push(model.id);
        }
        done += 1;
        progress(done);
    }
    for (cell, members) in moves {
        move_member_ids(&txn, &members, cell, today, "Chuyển chi bộ theo danh sách nhập").await?;
        // A secretary who leaves her cell stops being its secretary, as with a transfer by hand.
        for chunk in members.chunks(CHUNK) {
            position::Entity::update_many()
                .col_expr(position::Column::ToDate, Expr::val(today))
                .filter(position::Column::MemberId.is_in(chunk.iter().copied()))
                .filter(position::Column::UnitId.ne(cell))
                .filter(position::Column::Role.is_in([Role::Secretary.as_str(), Role::DeputySecretary.as_str()]))
                .filter(position::Column::FromDate.lte(today))
                .filter(position::Column::ToDate.is_null().or(position::Column::ToDate.gt(today)))
                .exec(&txn)
                .await?;
        }
    }
    write_positions(&txn, tree, &cell_ids, &member_ids, planned, today).await?;
    txn.commit().await?;
    Ok(())
}


/// PostgreSQL advisory-lock keys of imports, one per unit imported into (far from the start-up
/// lock's key).
const IMPORT_LOCK_BASE: i64 = 0x1_0000_0000;

/// Gives the cell positions the file names to members who do not hold them yet, from `today`; a
/// new secretary's predecessor stops being secretary the same day.
async fn write_positions(
    db: &impl ConnectionTrait,
    tree: &Tree,
    cell_ids: &HashMap<usize, i64>,
    ids: &HashMap<String, i64>,
    planned: &[Planned],
    today: NaiveDate,
) -> AppResult<()> {
    let with_role: Vec<&Planned> = planned.iter().filter(|p| p.role.is_some()).collect();
    if with_role.is_empty() {
        return Ok(());
    }
    let held = cell_positions(db, tree).await?;
    let mut new_positions = Vec::new();
    for p in with_role {
        let (Some(role), Some(&member_id), Some(&cell)) = (p.role, ids.get(&p.clean.card_no), cell_ids.get(&p.cell)) else { continue };
        let holders = held.get(&cell).map(Vec::as_slice).unwrap_or(&[]);
        if already_holds(holders, member_id, role) {
            continue;
        }
        if role == Role::Secretary {
            // The secretary before (and the new one's own deputy position) end today; codes the
            // one before handed out and that are still unused die with the office.
            let before: Vec<i64> = holders.iter().filter(|h| h.role == Role::Secretary && h.member_id != member_id).map(|h| h.member_id).collect();
            position::Entity::update_many()
                .col_expr(position::Column::ToDate, Expr::val(today))
                .filter(position::Column::UnitId.eq(cell))
                .filter(
                    Condition::any()
                        .add(position::Column::Role.eq(Role::Secretary.as_str()).and(position::Column::MemberId.ne(member_id)))
                        .add(position::Column::Role.eq(Role::DeputySecretary.as_str()).and(position::Column::MemberId.eq(member_id))),
                )
                .filter(position::Column::FromDate.lte(today))
                .filter(position::Column::ToDate.is_null().or(position::Column::ToDate.gt(today)))
                .exec(db)
                .await?;
            activation_code::Entity::delete_many().filter(activation_code::Column::IssuedBy.is_in(before)).exec(db).await?;
        }
        new_positions.push(position::ActiveModel {
            member_id: Set(member_id),
            unit_id: Set(cell),
            role: Set(role.as_str().into()),
            from_date: Set(today),
            to_date: Set(None),
            ..Default::default()
        });
    }
    let given: Vec<i64> = new_positions.iter().filter_map(|p| p.member_id.try_as_ref().copied()).collect();
    crate::auth::activation::revoke(db, &given).await?;
    for chunk in new_positions.chunks(CHUNK) {
        position::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    Ok(())
}

/// Creates the units the plan adds, parents first, each with a code made from its parent's
/// ("PH.01" → "PH.01.07", the first number free) and its parent's founding date (the file does
/// not say when a unit was founded; members' dates must not fall before it).
async fn create_units(db: &impl ConnectionTrait, tree: &mut Tree, root: &unit::Model) -> AppResult<()> {
    if tree.new_nodes.is_empty() {
        return Ok(());
    }
    let mut codes: HashSet<String> =
        unit::Entity::find().select_only().column(unit::Column::Code).into_tuple::<String>().all(db).await?.into_iter().collect();
    for index in tree.new_nodes.clone() {
        let parent_index = tree.nodes[index].parent.ok_or(AppError::Internal)?;
        let parent_id = tree.nodes[parent_index].existing.ok_or(AppError::Internal)?;
        let parent = if parent_id == root.id {
            root.clone()
        } else {
            unit::Entity::find_by_id(parent_id).one(db).await?.ok_or(AppError::Internal)?
        };
        let code = (1..)
            .map(|n| format!("{}.{n:02}", parent.code))
            .find(|c| !codes.contains(c))
            .ok_or(AppError::Internal)?;
        codes.insert(code.clone());
        let node = &tree.nodes[index];
        let id = insert_unit(db, Some(&parent), node.kind, &node.name, &code, parent.valid_from).await?;
        tree.nodes[index].existing = Some(id);
        tree.by_id.insert(id, index);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zipped(entry: &str, bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file(entry, zip::write::SimpleFileOptions::default()).expect("entry");
        zip.write_all(bytes).expect("write");
        zip.finish().expect("zip").into_inner()
    }

    #[test]
    fn an_archive_that_inflates_past_the_bound_is_refused_before_reading() {
        let bomb = zipped("xl/worksheets/sheet1.xml", &vec![b' '; 2_000_000]);
        assert!(bomb.len() < 20_000, "compresses well: {}", bomb.len());
        let refused = check_unzipped_size(&bomb, 1_000_000).expect_err("over the bound");
        assert!(refused.field_message("file").unwrap_or_default().contains("quá lớn"));
        assert!(check_unzipped_size(&bomb, 3_000_000).is_ok());
    }

    #[test]
    fn headers_match_whatever_their_case_diacritics_or_variant() {
        assert_eq!(header_field("HỌ VÀ TÊN"), Some(Field::FullName));
        assert_eq!(header_field("Ho ten"), Some(Field::FullName));
        assert_eq!(header_field("Số thẻ ĐV"), Some(Field::CardNo));
        assert_eq!(header_field("SĐT"), Some(Field::Phone));
        assert_eq!(header_field("Ngày kết nạp:"), Some(Field::AdmittedOn));
        assert_eq!(header_field("Chi bộ"), Some(Field::Unit(Level::Cell)));
        assert_eq!(header_field("Ghi chú"), None);
    }

    #[test]
    fn sheet_values_are_read_as_people_write_them() {
        assert_eq!(sheet_date("5/3/1979"), "05/03/1979");
        assert_eq!(sheet_date("1979-03-05"), "05/03/1979");
        assert_eq!(sheet_date("28919"), "05/03/1979", "an Excel day number kept as text");
        assert_eq!(sheet_date("31/02/1990"), "31/02/1990", "left for the check to refuse");
        assert_eq!(sheet_phone("912345678"), "0912345678");
        assert_eq!(sheet_phone("0912 345 678"), "0912 345 678");
        assert_eq!(sheet_gender("Nữ"), "nu");
        assert_eq!(excel_serial_date(28919.0), NaiveDate::from_ymd_opt(1979, 3, 5));
    }
}
