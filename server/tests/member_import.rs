//! Moving a province in: its units and members imported from spreadsheets (.xlsx, .ods, .csv),
//! re-imported with changes, and refused row by row when wrong — on SQLite and PostgreSQL.

use crate::common;

use std::collections::HashMap;

use app::db::entities::{member, membership, unit};
use app::members::import::{TEMPLATE_HEADERS, import, read_rows};
use app::members::ImportReport;
use app::units::UnitKind;
use common::{add_member, add_unit, on_both};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

type Row = Vec<String>;

/// The demo province's active members as a sheet of the template's columns: real unit names,
/// the demo's Vietnamese names, dates as dd/mm/yyyy.
async fn demo_province_sheet() -> Vec<Row> {
    let db = common::sqlite().await;
    app::demo::province::seed_if_empty(&db).await.expect("seed the demo province");
    let units: HashMap<i64, unit::Model> = unit::Entity::find().all(&db).await.expect("units").into_iter().map(|u| (u.id, u)).collect();
    let members = member::Entity::find()
        .filter(member::Column::Status.eq("active"))
        .order_by_asc(member::Column::Id)
        .all(&db)
        .await
        .expect("members");
    members
        .iter()
        .map(|m| {
            let mut row = vec![
                m.full_name.clone(),
                m.card_no.clone(),
                m.birth_date.format("%d/%m/%Y").to_string(),
                if m.gender == "nam" { "Nam" } else { "Nữ" }.to_string(),
                m.phone.clone().unwrap_or_default(),
                m.email.clone().unwrap_or_default(),
                m.admitted_on.format("%d/%m/%Y").to_string(),
                m.official_on.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ];
            let mut at = units.get(&m.unit_id);
            while let Some(u) = at.filter(|u| u.parent_id.is_some()) {
                let column = match u.kind.as_str() {
                    "upper_grassroots" => 8,
                    "grassroots" => 9,
                    "partial" => 10,
                    _ => 11,
                };
                row[column] = u.name.clone();
                at = u.parent_id.and_then(|p| units.get(&p));
            }
            row
        })
        .collect()
}

fn csv_file(rows: &[Row], delimiter: char) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    for row in std::iter::once(TEMPLATE_HEADERS.iter().map(|h| h.to_string()).collect::<Row>()).chain(rows.iter().cloned()) {
        let fields: Vec<String> = row.iter().map(|f| if f.contains([',', ';', '"']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f.clone() }).collect();
        out.push_str(&fields.join(&delimiter.to_string()));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn sheet(rows: &[Row]) -> Vec<(usize, Row)> {
    read_rows("danh-sach.csv", &csv_file(rows, ',')).expect("read the sheet")
}

async fn province_root(db: &DatabaseConnection) -> unit::Model {
    let id = add_unit(db, None, UnitKind::Provincial, "Đảng bộ tỉnh Hậu Giang", "HG").await;
    unit::Entity::find_by_id(id).one(db).await.expect("query").expect("root")
}

async fn run(db: &DatabaseConnection, root: &unit::Model, rows: &[Row], dry_run: bool) -> ImportReport {
    import(db, root, sheet(rows), dry_run, |_, _| {}).await.expect("import")
}

/// A realistic province (34,500 rows from the demo's names and units) is created from nothing,
/// then a re-import with 100 changes updates exactly those members.
#[tokio::test]
async fn a_province_sheet_is_imported_then_updated_by_a_second_import() {
    let rows = demo_province_sheet().await;
    assert!(rows.len() > 30_000, "the demo province has its ~34,500 active members: {}", rows.len());
    on_both(|db| {
        let rows = rows.clone();
        async move {
            let root = province_root(&db).await;
            let dry = run(&db, &root, &rows, true).await;
            assert_eq!((dry.created, dry.updated.len(), dry.refused.len(), dry.applied), (rows.len(), 0, 0, false), "{:?}", dry.refused.first());
            assert!(dry.new_units.len() > 1000, "the demo's units are made: {}", dry.new_units.len());
            assert_eq!(member::Entity::find().count(&db).await.expect("count"), 0, "a dry run writes nothing");

            let first = run(&db, &root, &rows, false).await;
            assert!(first.applied);
            assert_eq!((first.created, first.new_units.len()), (rows.len(), dry.new_units.len()));
            assert_eq!(member::Entity::find().count(&db).await.expect("count") as usize, rows.len());
            assert_eq!(membership::Entity::find().count(&db).await.expect("count") as usize, rows.len(), "one open membership each");
            // A member sits in the cell their row names, under the units the row names.
            let sample = &rows[rows.len() / 2];
            let m = member::Entity::find().filter(member::Column::CardNo.eq(sample[1].as_str())).one(&db).await.expect("query").expect("imported");
            let cell = unit::Entity::find_by_id(m.unit_id).one(&db).await.expect("query").expect("cell");
            assert_eq!((m.full_name.as_str(), cell.name.as_str()), (sample[0].as_str(), sample[11].as_str()));
            let parent = unit::Entity::find_by_id(cell.parent_id.expect("parent")).one(&db).await.expect("query").expect("parent");
            assert!(sample[8..11].contains(&parent.name), "{} under one of {:?}", parent.name, &sample[8..11]);

            // 100 changes: 60 new phone numbers, 40 corrected names.
            let mut changed = rows.clone();
            for k in 0..100 {
                let row = &mut changed[7 + 300 * k];
                if k < 60 {
                    row[4] = format!("0389{k:06}");
                } else {
                    row[0] = format!("{} Minh", row[0]);
                }
            }
            let second = run(&db, &root, &changed, false).await;
            assert_eq!((second.created, second.updated.len(), second.unchanged, second.new_units.len()), (0, 100, rows.len() - 100, 0));
            assert!(second.missing.is_empty());
            let fields: Vec<&str> = second.updated.iter().flat_map(|u| u.fields.iter().map(String::as_str)).collect();
            assert_eq!(fields.iter().filter(|f| **f == "số điện thoại").count(), 60, "{fields:?}");
            assert_eq!(fields.iter().filter(|f| **f == "họ và tên").count(), 40, "{fields:?}");
            assert_eq!(member::Entity::find().count(&db).await.expect("count") as usize, rows.len(), "updated, never duplicated");
            let renamed = second.updated.iter().find(|u| u.fields == ["họ và tên"]).expect("a renamed member");
            let m = member::Entity::find().filter(member::Column::CardNo.eq(renamed.card_no.as_str())).one(&db).await.expect("query").expect("member");
            assert!(m.full_name.ends_with(" Minh") && m.folded_name.contains(" minh "), "{}", m.full_name);

            // A full list without some members lists them and removes nobody.
            let third = run(&db, &root, &changed[10..], true).await;
            assert_eq!(third.missing.len(), 10);
            assert_eq!(third.missing.iter().map(|m| m.card_no.as_str()).collect::<Vec<_>>().len(), 10);
            assert!(third.missing.iter().any(|m| m.card_no == changed[0][1]));

            // The province's list exported by its administrator reads back as a workbook of the
            // import's columns, and imported again changes nothing: every field and unit path
            // went out as it came in.
            let admin = add_member(&db, m.unit_id, "Lê Thị Quản Trị", "0900000901").await;
            common::give_role(&db, admin, "admin", root.id).await;
            let started = std::time::Instant::now();
            let (name, sheets) = app::members::export::member_list(&db, &common::user(&db, admin).await, root.id).await.expect("export");
            let bytes = app::spreadsheet::workbook(&sheets).expect("workbook");
            eprintln!("export of {} members: {:?}, {} KB", rows.len() + 1, started.elapsed(), bytes.len() >> 10);
            assert_eq!(name, format!("danh-sach-dang-vien-{}", root.id));
            let read = read_rows("danh-sach.xlsx", &bytes).expect("the export is a workbook calamine reads");
            assert_eq!(read.len(), rows.len() + 2, "a header and one row per member in office");
            assert_eq!(read[0].1, TEMPLATE_HEADERS.map(String::from).to_vec());
            let exported = read.iter().find(|(_, r)| r[1] == renamed.card_no).expect("the renamed member is in the list");
            assert_eq!(exported.1[0], m.full_name);
            let again = import(&db, &root, read, false, |_, _| {}).await.expect("import the export");
            assert_eq!(
                (again.created, again.updated.len(), again.unchanged, again.refused.len(), again.missing.len(), again.new_units.len()),
                (0, 0, rows.len() + 1, 0, 0, 0),
                "{:?} {:?}",
                again.updated.first(),
                again.refused.first()
            );

            // A district's list imports back into that district just as well.
            let district_name = rows.iter().map(|r| r[8].as_str()).find(|n| !n.is_empty()).expect("a district-level committee");
            let district = unit::Entity::find()
                .filter(unit::Column::Kind.eq("upper_grassroots"))
                .filter(unit::Column::Name.eq(district_name))
                .one(&db)
                .await
                .expect("query")
                .expect("the district");
            let (_, sheets) = app::members::export::member_list(&db, &common::user(&db, admin).await, district.id).await.expect("export");
            let read = read_rows("huyen.xlsx", &app::spreadsheet::workbook(&sheets).expect("workbook")).expect("read");
            assert!(read.len() > 100, "the district has its members: {}", read.len());
            assert!(read[1..].iter().all(|(_, r)| r[8] == district_name), "paths start at the exported unit");
            let back = import(&db, &district, read.clone(), false, |_, _| {}).await.expect("import into the district");
            assert_eq!((back.created, back.updated.len(), back.unchanged, back.refused.len(), back.new_units.len()), (0, 0, read.len() - 1, 0, 0), "{:?}", back.refused.first());
        }
    })
    .await;
}

fn person(name: &str, card: &str, phone: &str, cell_path: [&str; 4]) -> Row {
    let mut row = vec![
        name.to_string(),
        card.to_string(),
        "19/05/1980".into(),
        "Nam".into(),
        phone.to_string(),
        String::new(),
        "03/02/2005".into(),
        "03/02/2006".into(),
    ];
    row.extend(cell_path.iter().map(|s| s.to_string()));
    row
}

/// Bad rows are refused by row and column, with Vietnamese reasons, and nothing at all is
/// written while any row is refused.
#[tokio::test]
async fn bad_rows_are_refused_and_nothing_is_written() {
    on_both(|db| async move {
        let root = province_root(&db).await;
        let district = add_unit(&db, Some(root.id), UnitKind::UpperGrassroots, "Đảng bộ huyện Phụng Hiệp", "PH").await;
        let commune = add_unit(&db, Some(district), UnitKind::Grassroots, "Đảng bộ xã Hòa An", "PH.01").await;
        let closed = add_unit(&db, Some(commune), UnitKind::Cell, "Chi bộ ấp 5", "PH.01.05").await;
        let open_cell = add_unit(&db, Some(commune), UnitKind::Cell, "Chi bộ ấp 1", "PH.01.01").await;
        unit::Entity::update_many()
            .col_expr(unit::Column::ValidTo, sea_orm::sea_query::Expr::value(common::date(2020, 1, 1)))
            .filter(unit::Column::Id.eq(closed))
            .exec(&db)
            .await
            .expect("close the cell");
        add_member(&db, open_cell, "Phạm Văn Hậu", "0900000104").await;
        let path = |cell: &'static str| ["Đảng bộ huyện Phụng Hiệp", "Đảng bộ xã Hòa An", "", cell];
        let rows = vec![
            person("Nguyễn Văn An", "64100001", "0911000001", path("Chi bộ ấp 1")), // row 2: fine
            person("Trần Văn Bình", "64100002", "0911000002", path("Chi bộ ấp 5")), // row 3: closed cell
            person("Lê Văn Cường", "64100003", "0911000003", path("Chi bộ ấp 1")), // row 4: duplicate card
            person("Lê Văn Cường", "64100003", "0911000004", path("Chi bộ ấp 1")), // row 5: duplicate card
            {
                let mut r = person("Võ Văn Dũng", "64100005", "0911000005", path("Chi bộ ấp 1")); // row 6: 31/02
                r[2] = "31/02/1990".into();
                r
            },
            person("Đặng Văn Em", "64100006", "0900000104", path("Chi bộ ấp 1")), // row 7: another's phone
        ];
        let report = run(&db, &root, &rows, false).await;
        let refused: Vec<(usize, &str)> = report.refused.iter().map(|p| (p.row, p.column.as_str())).collect();
        assert_eq!(
            refused,
            vec![(3, "Chi bộ"), (4, "Số thẻ đảng viên"), (5, "Số thẻ đảng viên"), (6, "Ngày sinh"), (7, "Số điện thoại")],
            "{:#?}",
            report.refused
        );
        assert!(report.refused[0].message.contains("giải thể"), "{}", report.refused[0].message);
        assert!(report.refused[1].message.contains("4, 5"), "{}", report.refused[1].message);
        assert!(!report.applied);
        assert_eq!(member::Entity::find().count(&db).await.expect("count"), 1, "nothing written");
        assert_eq!(unit::Entity::find().count(&db).await.expect("count"), 5, "no unit made");
    })
    .await;
}

/// An .xlsx with headers typed without diacritics, a title above them, real Excel dates and
/// numbers where people type numbers; an .ods; a .csv from Excel's Vietnamese locale (`;`).
#[tokio::test]
async fn workbooks_and_csv_in_their_real_shapes_are_read() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "DANH SÁCH ĐẢNG VIÊN CHI BỘ ẤP 1").expect("title");
    let headers = ["STT", "Ho va ten", "SO THE DANG VIEN", "Ngay sinh", "Gioi tinh", "So dien thoai", "Ngay vao Dang", "Ngay chinh thuc", "Dang bo co so", "Chi bo"];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(2, c as u16, *h).expect("header");
    }
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    let people = [("Nguyễn Thị Hồng", 64_200_001.0, 912_345_001.0, "Nữ"), ("Trần Quốc Việt", 64_200_002.0, 912_345_002.0, "Nam")];
    for (i, (name, card, phone, gender)) in people.iter().enumerate() {
        let r = 3 + i as u32;
        sheet.write_number(r, 0, (i + 1) as f64).expect("n");
        sheet.write_string(r, 1, *name).expect("name");
        sheet.write_number(r, 2, *card).expect("card");
        sheet.write_datetime_with_format(r, 3, &ExcelDateTime::from_ymd(1979, 3, 26).expect("date"), &date_format).expect("birth");
        sheet.write_string(r, 4, *gender).expect("gender");
        sheet.write_number(r, 5, *phone).expect("phone");
        sheet.write_datetime_with_format(r, 6, &ExcelDateTime::from_ymd(2001, 5, 19).expect("date"), &date_format).expect("admitted");
        sheet.write_string(r, 7, "19/05/2002").expect("official");
        sheet.write_string(r, 8, "Đảng bộ xã Hòa An").expect("grassroots");
        sheet.write_string(r, 9, "Chi bộ ấp 1").expect("cell");
    }
    let xlsx = book.save_to_buffer().expect("xlsx");
    let csv = {
        let mut rows = vec![person("Lê Hoàng Phúc", "64200003", "+84 912 345 003", ["", "Đảng bộ xã Hòa An", "", "Chi bộ ấp 2"])];
        rows[0][6] = "19-05-2001".into();
        csv_file(&rows, ';')
    };
    let ods = ods_file(&[
        &["Họ tên", "Số thẻ", "Ngày sinh", "Giới tính", "Ngày kết nạp", "Chi bộ"],
        &["Huỳnh Văn Sơn", "64200004", "01/01/1975", "nam", "02/09/1998", "Chi bộ Sở Tư pháp"],
    ]);
    on_both(|db| {
        let (xlsx, csv, ods) = (xlsx.clone(), csv.clone(), ods.clone());
        async move {
            let root = province_root(&db).await;
            add_unit(&db, Some(root.id), UnitKind::UpperGrassroots, "Đảng bộ huyện Phụng Hiệp", "PH").await;
            let bloc = add_unit(&db, Some(root.id), UnitKind::UpperGrassroots, "Đảng bộ Khối các cơ quan tỉnh", "KCQ").await;
            add_unit(&db, Some(bloc), UnitKind::GrassrootsCell, "Chi bộ Sở Tư pháp", "KCQ.STP").await;
            for (name, bytes, created) in [("chi-bo-ap-1.xlsx", &xlsx, 2), ("bo-sung.csv", &csv, 1), ("so-tu-phap.ods", &ods, 1)] {
                let rows = read_rows(name, bytes).unwrap_or_else(|e| panic!("{name}: {e:?}"));
                let report = import(&db, &root, rows, false, |_, _| {}).await.expect("import");
                assert_eq!((report.created, report.applied), (created, true), "{name}: {:#?}", report.refused);
            }
            let hong = member::Entity::find().filter(member::Column::CardNo.eq("64200001")).one(&db).await.expect("query").expect("imported");
            assert_eq!(hong.phone.as_deref(), Some("0912345001"), "the leading 0 a number loses is put back");
            assert_eq!((hong.birth_date, hong.admitted_on, hong.gender.as_str()), (common::date(1979, 3, 26), common::date(2001, 5, 19), "nu"));
            let phuc = member::Entity::find().filter(member::Column::CardNo.eq("64200003")).one(&db).await.expect("query").expect("imported");
            assert_eq!((phuc.phone.as_deref(), phuc.admitted_on), (Some("0912345003"), common::date(2001, 5, 19)));
            // The grassroots organisation named without its district was made once, under the
            // province; both cells of the two files are in it.
            let hoa_an = unit::Entity::find().filter(unit::Column::Name.eq("Đảng bộ xã Hòa An")).all(&db).await.expect("query");
            assert_eq!(hoa_an.len(), 1);
            let son = member::Entity::find().filter(member::Column::CardNo.eq("64200004")).one(&db).await.expect("query").expect("imported");
            let cell = unit::Entity::find_by_id(son.unit_id).one(&db).await.expect("query").expect("cell");
            assert_eq!(cell.code, "KCQ.STP", "an existing cell is found by its name");
        }
    })
    .await;
}

/// Wrong files are refused whole, with a message saying what to do.
#[tokio::test]
async fn files_that_are_not_member_lists_are_refused_with_a_reason() {
    let message = |r: Result<Vec<(usize, Row)>, app::error::AppError>| r.err().and_then(|e| e.field_message("file")).unwrap_or_default();
    assert!(message(read_rows("danh-sach.pdf", b"%PDF-1.4")).contains(".xlsx"));
    assert!(message(read_rows("danh-sach.xlsx", b"not a zip")).contains("Không đọc được"));
    assert!(message(read_rows("danh-sach.csv", &[0xff, 0xfe, 0x00])).contains("UTF-8"));
    let huge = vec![b'a'; app::members::import::MAX_FILE_BYTES + 1];
    assert!(message(read_rows("danh-sach.csv", &huge)).contains("MB"));
    let db = common::sqlite().await;
    let root = province_root(&db).await;
    let no_cell = read_rows("x.csv", "Họ và tên,Số thẻ đảng viên,Ngày sinh,Ngày vào Đảng\r\nA B,123456,01/01/1980,01/01/2005\r\n".as_bytes()).expect("read");
    let err = import(&db, &root, no_cell, true, |_, _| {}).await.expect_err("no cell column");
    assert!(err.field_message("file").unwrap_or_default().contains("Chi bộ"), "{err:?}");
}

/// A minimal OpenDocument spreadsheet (what LibreOffice saves), all cells as text.
fn ods_file(rows: &[&[&str]]) -> Vec<u8> {
    use std::io::Write;
    let table: String = rows
        .iter()
        .map(|row| {
            let cells: String = row
                .iter()
                .map(|c| format!("<table:table-cell office:value-type=\"string\"><text:p>{c}</text:p></table:table-cell>"))
                .collect();
            format!("<table:table-row>{cells}</table:table-row>")
        })
        .collect();
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet><table:table table:name=\"Danh sách\">{table}</table:table>\
         </office:spreadsheet></office:body></office:document-content>"
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).expect("mimetype");
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").expect("mimetype");
    zip.start_file("META-INF/manifest.xml", zip::write::SimpleFileOptions::default()).expect("manifest");
    zip.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest \
          xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
          <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
          <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>",
    )
    .expect("manifest");
    zip.start_file("content.xml", zip::write::SimpleFileOptions::default()).expect("content");
    zip.write_all(content.as_bytes()).expect("content");
    zip.finish().expect("zip").into_inner()
}

/// "Chức vụ đảng": a cell's secretary and deputies come in with the list (a new secretary takes
/// over from the one before); other positions are listed as not recorded; two secretaries of one
/// cell refuse the file; the export writes the column back.
#[tokio::test]
async fn cell_positions_come_from_the_party_role_column() {
    use app::db::entities::position;
    on_both(|db| async move {
        let root = province_root(&db).await;
        let district = add_unit(&db, Some(root.id), UnitKind::UpperGrassroots, "Đảng bộ huyện Phụng Hiệp", "PH").await;
        let commune = add_unit(&db, Some(district), UnitKind::Grassroots, "Đảng bộ xã Hòa An", "PH.01").await;
        let cell = add_unit(&db, Some(commune), UnitKind::Cell, "Chi bộ ấp 1", "PH.01.01").await;
        let hau = add_member(&db, cell, "Phạm Văn Hậu", "0900000104").await;
        common::give_role(&db, hau, "secretary", cell).await;
        let path = |cell: &'static str| ["Đảng bộ huyện Phụng Hiệp", "Đảng bộ xã Hòa An", "", cell];
        let with_role = |mut row: Row, role: &str| {
            row.push(role.to_string());
            row
        };
        let rows = vec![
            with_role(person("Nguyễn Văn An", "64100001", "0911000001", path("Chi bộ ấp 1")), "Bí thư chi bộ"),
            with_role(person("Trần Văn Bình", "64100002", "0911000002", path("Chi bộ ấp 1")), "Phó bí thư"),
            with_role(person("Lê Văn Cường", "64100003", "0911000003", path("Chi bộ ấp 1")), "Chi ủy viên"),
            with_role(person("Võ Văn Dũng", "64100004", "0911000004", path("Chi bộ ấp 2")), "BÍ THƯ"),
            with_role(person("Đặng Văn Em", "64100005", "0911000005", path("Chi bộ ấp 2")), "Đảng viên"),
        ];
        let open_positions = |db: sea_orm::DatabaseConnection| async move {
            let mut held: Vec<(String, String)> = Vec::new();
            for p in position::Entity::find().filter(position::Column::ToDate.is_null()).all(&db).await.expect("positions") {
                let name = member::Entity::find_by_id(p.member_id).one(&db).await.expect("query").expect("member").full_name;
                held.push((name, p.role));
            }
            held.sort();
            held
        };

        let dry = run(&db, &root, &rows, true).await;
        assert!(dry.refused.is_empty(), "{:?}", dry.refused);
        let given: Vec<(usize, &str, Option<&str>)> = dry.positions.iter().map(|c| (c.row, c.role.as_str(), c.replaces.as_deref())).collect();
        assert_eq!(given, vec![(2, "secretary", Some("Phạm Văn Hậu")), (3, "deputy_secretary", None), (5, "secretary", None)]);
        assert_eq!(dry.roles_not_read.iter().map(|p| (p.row, p.column.as_str())).collect::<Vec<_>>(), vec![(4, "Chức vụ đảng")]);
        assert!(dry.roles_not_read[0].message.contains("Chi ủy viên"), "{}", dry.roles_not_read[0].message);
        assert_eq!(open_positions(db.clone()).await, vec![("Phạm Văn Hậu".to_string(), "secretary".to_string())], "a dry run writes nothing");

        let done = run(&db, &root, &rows, false).await;
        assert!(done.applied);
        assert_eq!(
            open_positions(db.clone()).await,
            vec![
                ("Nguyễn Văn An".to_string(), "secretary".to_string()),
                ("Trần Văn Bình".to_string(), "deputy_secretary".to_string()),
                ("Võ Văn Dũng".to_string(), "secretary".to_string()),
            ]
        );
        let ended = position::Entity::find().filter(position::Column::MemberId.eq(hau)).one(&db).await.expect("query").expect("row");
        assert_eq!(ended.to_date, Some(app::common::time::today()), "Hậu's term ends the day An takes over");

        // The same list again gives nobody anything new.
        let again = run(&db, &root, &rows, false).await;
        assert!(again.positions.is_empty(), "{:?}", again.positions);
        assert_eq!(again.unchanged, 5);

        // Two secretaries for one cell: both rows refused, nothing written.
        let two = vec![
            with_role(person("Nguyễn Văn An", "64100001", "0911000001", path("Chi bộ ấp 1")), "Bí thư"),
            with_role(person("Trần Văn Bình", "64100002", "0911000002", path("Chi bộ ấp 1")), "Bí thư chi bộ"),
        ];
        let refused = run(&db, &root, &two, false).await;
        assert_eq!(refused.refused.iter().map(|p| (p.row, p.column.as_str())).collect::<Vec<_>>(), vec![(2, "Chức vụ đảng"), (3, "Chức vụ đảng")]);
        assert!(refused.refused[0].message.contains("nhiều Bí thư"), "{}", refused.refused[0].message);
        assert_eq!(open_positions(db.clone()).await.len(), 3);

        // Bình moves to ấp 2 in a later list: his deputy position in ấp 1 ends with the move.
        let moved = vec![with_role(person("Trần Văn Bình", "64100002", "0911000002", path("Chi bộ ấp 2")), "")];
        assert!(run(&db, &root, &moved, false).await.applied);
        assert_eq!(
            open_positions(db.clone()).await,
            vec![("Nguyễn Văn An".to_string(), "secretary".to_string()), ("Võ Văn Dũng".to_string(), "secretary".to_string())]
        );

        // The import gives positions, never takes one: Dũng, secretary of ấp 2, named deputy
        // stays secretary. A member serving outside the units imported into, or no longer in
        // office, gets nothing from a file.
        let dung_deputy = vec![with_role(person("Võ Văn Dũng", "64100004", "0911000004", path("Chi bộ ấp 2")), "Phó Bí thư chi bộ")];
        let kept = run(&db, &root, &dung_deputy, false).await;
        assert!(kept.positions.is_empty() && kept.refused.is_empty(), "{:?} {:?}", kept.positions, kept.refused);
        let long_my = add_unit(&db, Some(root.id), UnitKind::UpperGrassroots, "Đảng bộ huyện Long Mỹ", "LM").await;
        let em = member::Entity::find().filter(member::Column::CardNo.eq("64100005")).one(&db).await.expect("query").expect("Em");
        common::give_role(&db, em.id, "committee_member", long_my).await;
        let district_model = unit::Entity::find_by_id(district).one(&db).await.expect("query").expect("district");
        let em_secretary = vec![with_role(person("Đặng Văn Em", "64100005", "0911000005", ["", "Đảng bộ xã Hòa An", "", "Chi bộ ấp 2"]), "Bí thư")];
        let refused = import(&db, &district_model, sheet(&em_secretary), false, |_, _| {}).await.expect("import");
        assert_eq!(refused.refused.len(), 1, "{:?}", refused.refused);
        assert!(refused.refused[0].message.contains("ngoài phạm vi"), "{}", refused.refused[0].message);
        member::Entity::update_many()
            .col_expr(member::Column::Status, sea_orm::sea_query::Expr::value("deceased"))
            .filter(member::Column::Id.eq(em.id))
            .exec(&db)
            .await
            .expect("status");
        let refused = run(&db, &root, &em_secretary, false).await;
        assert!(refused.refused.iter().any(|p| p.message.contains("không còn sinh hoạt")), "{:?}", refused.refused);
        assert_eq!(open_positions(db.clone()).await.len(), 3, "nothing given");

        // The export writes the column, so a list exported and imported again keeps the positions.
        let admin = add_member(&db, cell, "Mai Thị Thu", "0900000199").await;
        common::give_role(&db, admin, "admin", root.id).await;
        let (_, sheets) = app::members::export::member_list(&db, &common::user(&db, admin).await, district).await.expect("export");
        let bytes = app::spreadsheet::workbook(&sheets).expect("xlsx");
        let read = read_rows("danh-sach.xlsx", &bytes).expect("read back");
        assert_eq!(read[0].1.last().map(String::as_str), Some("Chức vụ đảng"));
        let an = read.iter().find(|(_, r)| r[0] == "Nguyễn Văn An").expect("An's row");
        assert_eq!(an.1.last().map(String::as_str), Some("Bí thư chi bộ"));
        let back = import(&db, &root, read, false, |_, _| {}).await.expect("import the export");
        assert!(back.positions.is_empty() && back.refused.is_empty(), "{:?} {:?}", back.positions, back.refused);
    })
    .await;
}

/// The import page asks for the server's progress line by line: a large file shows how far the
/// checking and writing have gone, then the report — through the running server.
#[tokio::test]
async fn a_large_import_reports_its_progress_as_it_goes() {
    let (db, url) = common::sqlite_with_url().await;
    let f = common::fixture(&db).await;
    let mut server = common::ServerProcess::spawn(&url, false, None);
    server.wait_ready(60).await;
    let http = reqwest::Client::new();
    let cookie = common::http_login(&http, &server.base, "0900000101").await;

    let path = ["Đảng bộ huyện Phụng Hiệp", "Đảng bộ xã Hòa An", "", "Chi bộ ấp Mới"];
    let names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Cường", "Phạm Thị Dung", "Huỳnh Văn Em"];
    let rows: Vec<Row> = (0..3000).map(|i| person(names[i % names.len()], &format!("6420{i:04}"), &format!("09120{i:05}"), path)).collect();
    let file = csv_file(&rows, ',');
    let boundary = "sotay-import-boundary";
    let mut body = Vec::new();
    for (name, file_name, bytes) in [("unit_id", None, f.root.to_string().into_bytes()), ("mode", None, b"nhap".to_vec()), ("file", Some("danh-sach.csv"), file)] {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"").bytes());
        if let Some(file_name) = file_name {
            body.extend(format!("; filename=\"{file_name}\"\r\nContent-Type: text/csv").bytes());
        }
        body.extend(b"\r\n\r\n");
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    let answer = http
        .post(format!("{}/api/v1/members/import", server.base))
        .header(reqwest::header::COOKIE, cookie)
        .header(reqwest::header::ACCEPT, "application/x-ndjson")
        // As a browser asks: the lines must still come uncompressed, one by one.
        .header(reqwest::header::ACCEPT_ENCODING, "gzip, br")
        .header(reqwest::header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .expect("import answers");
    assert_eq!(answer.status().as_u16(), 200);
    assert!(answer.headers()[reqwest::header::CONTENT_TYPE].to_str().unwrap().starts_with("application/x-ndjson"));
    assert!(answer.headers().get(reqwest::header::CONTENT_ENCODING).is_none(), "{:?}", answer.headers());
    let text = answer.text().await.expect("body");
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    let progress: Vec<(u64, u64)> = lines.iter().filter_map(|l| {
        let p = l.get("progress")?;
        Some((p[0].as_u64()?, p[1].as_u64()?))
    }).collect();
    assert!(progress.len() >= 4, "checking and writing both report: {progress:?}");
    assert!(progress.windows(2).all(|w| w[0].0 <= w[1].0), "{progress:?}");
    assert_eq!(progress.last(), Some(&(6000, 6000)), "the rows checked, then written");
    let report = &lines.last().expect("a last line")["report"];
    assert_eq!(report["created"], 3000, "{:?}", report["refused"].get(0));
    assert_eq!(report["applied"], true);
    assert_eq!(member::Entity::find().filter(member::Column::CardNo.starts_with("6420")).count(&db).await.expect("count"), 3000);
}
