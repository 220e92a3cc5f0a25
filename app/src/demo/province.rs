//! The demo province: the Hậu Giang provincial Party organisation as it stood at the handbook's
//! launch (29/12/2023): 8 district-level committees with their 75 communes, wards and towns, the
//! provincial bloc committees, armed forces, grassroots organisations and cells, and ~34,500
//! members with deterministic Vietnamese names. Same input, same output, every run. Also the
//! demo library, its reading campaign, and what the other demo modules share (the demo
//! accounts, the deterministic `Rng`, `insert_chunks`).

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, Set, TransactionTrait};

use crate::db::entities::{credential, member, membership, position, unit, unit_closure};
use crate::db::fold::{fold, fold_padded, name_sort_key};

pub const TOTAL_MEMBERS: usize = 34_500;
/// Demo accounts documented in the README; they skip the forced change.
pub const DEMO_PASSWORD: &str = "sotay2024";

/// (phone, role description) of the demo accounts, in README order.
pub const DEMO_ACCOUNTS: [(&str, &str); 4] = [
    ("0900000001", "Quản trị viên (Văn phòng Tỉnh ủy)"),
    ("0900000002", "Cấp ủy viên — Huyện ủy Phụng Hiệp"),
    ("0900000003", "Bí thư Chi bộ ấp 3, xã Hòa An"),
    ("0900000004", "Đảng viên Chi bộ ấp 3, xã Hòa An"),
];

/// The date the demo data describes; generation never looks at the clock.
fn reference_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 12, 29).unwrap_or_default()
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// splitmix64: tiny, deterministic, good enough for demo data.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub(super) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    pub(super) fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
    fn weighted<'a>(&mut self, items: &'a [(&'a str, u32)]) -> &'a str {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.below(total as u64) as u32;
        for (item, weight) in items {
            if roll < *weight {
                return item;
            }
            roll -= weight;
        }
        items[0].0
    }
}

const SURNAMES: &[(&str, u32)] = &[
    ("Nguyễn", 31), ("Trần", 11), ("Lê", 10), ("Phạm", 6), ("Huỳnh", 6), ("Võ", 5), ("Phan", 4),
    ("Trương", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 2), ("Dương", 2), ("Lý", 2),
    ("Lâm", 2), ("Thạch", 2), ("Châu", 1), ("Danh", 1), ("Mai", 1), ("Tô", 1), ("Đoàn", 1), ("Lưu", 1),
    ("Cao", 1), ("Quách", 1), ("Hứa", 1), ("Diệp", 1),
];
const MIDDLE_MALE: &[(&str, u32)] = &[
    ("Văn", 40), ("Minh", 8), ("Hoàng", 6), ("Thanh", 8), ("Quốc", 6), ("Hữu", 6), ("Công", 4), ("Đức", 4),
    ("Tấn", 5), ("Phước", 3), ("Chí", 3), ("Trung", 3), ("Hoài", 2), ("Ngọc", 2),
];
const MIDDLE_FEMALE: &[(&str, u32)] = &[
    ("Thị", 45), ("Ngọc", 10), ("Thanh", 6), ("Kim", 8), ("Thu", 5), ("Mỹ", 6), ("Hồng", 5), ("Bích", 4),
    ("Diễm", 3), ("Phương", 3), ("Thị Kim", 3), ("Thị Ngọc", 3),
];
const GIVEN_MALE: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Hải", "Hiếu", "Hòa", "Hùng", "Huy", "Khang", "Khoa", "Lâm", "Lộc",
    "Long", "Minh", "Nam", "Nghĩa", "Nhân", "Phong", "Phúc", "Quang", "Sang", "Sơn", "Tài", "Tâm",
    "Thắng", "Thành", "Thiện", "Toàn", "Trí", "Trung", "Tuấn", "Vinh", "Vũ", "Bảo", "Đạt", "Định",
    "Hậu", "Lợi", "Tú", "Khánh", "Phát", "Thuận", "Hưng", "Kiệt", "Nhựt", "Tùng", "Quân", "Đông",
];
const GIVEN_FEMALE: &[&str] = &[
    "Anh", "Châu", "Diễm", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hồng", "Hương", "Lan",
    "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Phượng", "Quyên", "Tâm",
    "Thảo", "Thủy", "Thư", "Trang", "Trinh", "Tuyết", "Vân", "Xuân", "Yến", "Ánh", "Đào", "Nhi",
    "Thúy", "Kiều", "Ngọc", "Huyền",
];
const PHONE_PREFIXES: &[&str] = &[
    "091", "094", "088", "083", "084", "085", "081", "082", "096", "097", "098", "086", "032", "033",
    "034", "035", "036", "037", "038", "039", "070", "076", "077", "078", "079",
];

/// (committee name, code, committee title, established, [(prefix, commune name)])
type District = (&'static str, &'static str, &'static str, NaiveDate, &'static [(&'static str, &'static str)]);

fn districts() -> Vec<District> {
    vec![
        ("Đảng bộ thành phố Vị Thanh", "VT", "Thành ủy", ymd(2004, 1, 1), &[
            ("phường", "I"), ("phường", "III"), ("phường", "IV"), ("phường", "V"), ("phường", "VII"),
            ("xã", "Vị Tân"), ("xã", "Hỏa Lựu"), ("xã", "Tân Tiến"), ("xã", "Hỏa Tiến"),
        ]),
        ("Đảng bộ thành phố Ngã Bảy", "NB", "Thành ủy", ymd(2004, 1, 1), &[
            ("phường", "Ngã Bảy"), ("phường", "Lái Hiếu"), ("phường", "Hiệp Thành"), ("phường", "Hiệp Lợi"),
            ("xã", "Đại Thành"), ("xã", "Tân Thành"),
        ]),
        ("Đảng bộ thị xã Long Mỹ", "TXLM", "Thị ủy", ymd(2015, 4, 1), &[
            ("phường", "Thuận An"), ("phường", "Trà Lồng"), ("phường", "Bình Thạnh"), ("phường", "Vĩnh Tường"),
            ("xã", "Long Bình"), ("xã", "Long Trị"), ("xã", "Long Trị A"), ("xã", "Long Phú"), ("xã", "Tân Phú"),
        ]),
        ("Đảng bộ huyện Long Mỹ", "HLM", "Huyện ủy", ymd(2004, 1, 1), &[
            ("thị trấn", "Vĩnh Viễn"), ("xã", "Lương Tâm"), ("xã", "Lương Nghĩa"), ("xã", "Xà Phiên"),
            ("xã", "Thuận Hưng"), ("xã", "Thuận Hòa"), ("xã", "Vĩnh Thuận Đông"), ("xã", "Vĩnh Viễn A"),
        ]),
        ("Đảng bộ huyện Vị Thủy", "VTH", "Huyện ủy", ymd(2004, 1, 1), &[
            ("thị trấn", "Nàng Mau"), ("xã", "Vị Bình"), ("xã", "Vị Đông"), ("xã", "Vị Thanh"), ("xã", "Vị Thắng"),
            ("xã", "Vị Thủy"), ("xã", "Vị Trung"), ("xã", "Vĩnh Thuận Tây"), ("xã", "Vĩnh Trung"), ("xã", "Vĩnh Tường"),
        ]),
        ("Đảng bộ huyện Châu Thành", "CT", "Huyện ủy", ymd(2004, 1, 1), &[
            ("thị trấn", "Ngã Sáu"), ("thị trấn", "Mái Dầm"), ("xã", "Đông Phước"), ("xã", "Đông Phước A"),
            ("xã", "Đông Phú"), ("xã", "Đông Thạnh"), ("xã", "Phú Hữu"), ("xã", "Phú Tân"),
        ]),
        ("Đảng bộ huyện Châu Thành A", "CTA", "Huyện ủy", ymd(2004, 1, 1), &[
            ("thị trấn", "Một Ngàn"), ("thị trấn", "Bảy Ngàn"), ("thị trấn", "Rạch Gòi"), ("thị trấn", "Cái Tắc"),
            ("xã", "Nhơn Nghĩa A"), ("xã", "Tân Hòa"), ("xã", "Tân Phú Thạnh"), ("xã", "Thạnh Xuân"),
            ("xã", "Trường Long A"), ("xã", "Trường Long Tây"),
        ]),
        ("Đảng bộ huyện Phụng Hiệp", "PH", "Huyện ủy", ymd(2004, 1, 1), &[
            ("thị trấn", "Cây Dương"), ("thị trấn", "Kinh Cùng"), ("thị trấn", "Búng Tàu"), ("xã", "Hiệp Hưng"),
            ("xã", "Hòa An"), ("xã", "Hòa Mỹ"), ("xã", "Long Thạnh"), ("xã", "Phụng Hiệp"), ("xã", "Phương Bình"),
            ("xã", "Phương Phú"), ("xã", "Tân Bình"), ("xã", "Tân Long"), ("xã", "Tân Phước Hưng"),
            ("xã", "Thạnh Hòa"), ("xã", "Bình Thành"),
        ]),
    ]
}

/// Provincial agencies under the bloc committee: (name, code, [cells]) — no cells means the
/// agency is itself a grassroots cell (chi bộ cơ sở).
/// Grassroots organisations of a bloc: name, code, and their cells.
type Organisations = &'static [(&'static str, &'static str, &'static [&'static str])];

const PROVINCIAL_AGENCIES: Organisations = &[
    ("Chi bộ Văn phòng Tỉnh ủy", "VPTU", &[]),
    ("Chi bộ Ban Tổ chức Tỉnh ủy", "BTCTU", &[]),
    ("Chi bộ Ban Tuyên giáo Tỉnh ủy", "BTGTU", &[]),
    ("Chi bộ Ủy ban Kiểm tra Tỉnh ủy", "UBKTTU", &[]),
    ("Chi bộ Ban Dân vận Tỉnh ủy", "BDVTU", &[]),
    ("Chi bộ Ban Nội chính Tỉnh ủy", "BNCTU", &[]),
    ("Đảng bộ Văn phòng Ủy ban nhân dân tỉnh", "VPUB", &["Chi bộ Phòng Tổng hợp", "Chi bộ Phòng Kinh tế", "Chi bộ Phòng Khoa giáo – Văn xã", "Chi bộ Trung tâm Phục vụ hành chính công"]),
    ("Đảng bộ Sở Giáo dục và Đào tạo", "SGDDT", &["Chi bộ Văn phòng Sở", "Chi bộ Phòng Giáo dục trung học", "Chi bộ Phòng Tổ chức cán bộ", "Chi bộ Trường THPT Chuyên Vị Thanh", "Chi bộ Trường THPT Vị Thanh"]),
    ("Đảng bộ Sở Y tế", "SYT", &["Chi bộ Văn phòng Sở", "Chi bộ Phòng Nghiệp vụ Y", "Chi bộ Trung tâm Kiểm soát bệnh tật", "Chi bộ Trung tâm Pháp y"]),
    ("Đảng bộ Bệnh viện Đa khoa tỉnh Hậu Giang", "BVDK", &["Chi bộ Khối Nội", "Chi bộ Khối Ngoại", "Chi bộ Khối Cận lâm sàng", "Chi bộ Phòng chức năng"]),
    ("Đảng bộ Sở Nông nghiệp và Phát triển nông thôn", "SNN", &["Chi bộ Văn phòng Sở", "Chi bộ Chi cục Thủy lợi", "Chi bộ Chi cục Trồng trọt và Bảo vệ thực vật", "Chi bộ Chi cục Kiểm lâm"]),
    ("Chi bộ Sở Tài chính", "STC", &[]),
    ("Chi bộ Sở Kế hoạch và Đầu tư", "SKHDT", &[]),
    ("Chi bộ Sở Nội vụ", "SNV", &[]),
    ("Chi bộ Sở Tư pháp", "STP", &[]),
    ("Chi bộ Sở Công Thương", "SCT", &[]),
    ("Chi bộ Sở Xây dựng", "SXD", &[]),
    ("Chi bộ Sở Giao thông vận tải", "SGTVT", &[]),
    ("Chi bộ Sở Tài nguyên và Môi trường", "STNMT", &[]),
    ("Đảng bộ Sở Lao động – Thương binh và Xã hội", "SLDTBXH", &["Chi bộ Văn phòng Sở", "Chi bộ Trường Cao đẳng Cộng đồng Hậu Giang", "Chi bộ Trung tâm Dịch vụ việc làm"]),
    ("Chi bộ Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", &[]),
    ("Chi bộ Sở Thông tin và Truyền thông", "STTTT", &[]),
    ("Chi bộ Sở Khoa học và Công nghệ", "SKHCN", &[]),
    ("Chi bộ Thanh tra tỉnh", "TTT", &[]),
    ("Đảng bộ Trường Chính trị tỉnh Hậu Giang", "TCT", &["Chi bộ Khoa Xây dựng Đảng", "Chi bộ Khoa Lý luận cơ sở", "Chi bộ Phòng Tổ chức – Hành chính"]),
    ("Chi bộ Báo Hậu Giang", "BAOHG", &[]),
    ("Chi bộ Đài Phát thanh và Truyền hình Hậu Giang", "PTTH", &[]),
    ("Chi bộ Kho bạc Nhà nước Hậu Giang", "KBNN", &[]),
    ("Đảng bộ Cục Thuế tỉnh", "CTHUE", &["Chi bộ Văn phòng Cục", "Chi bộ Phòng Thanh tra – Kiểm tra", "Chi bộ Phòng Quản lý nợ"]),
    ("Chi bộ Bảo hiểm xã hội tỉnh", "BHXH", &[]),
    ("Chi bộ Tòa án nhân dân tỉnh", "TAND", &[]),
    ("Chi bộ Viện Kiểm sát nhân dân tỉnh", "VKSND", &[]),
];

const ENTERPRISES: &[(&str, &str, &[&str])] = &[
    ("Đảng bộ Công ty Điện lực Hậu Giang", "PCHG", &["Chi bộ Văn phòng Công ty", "Chi bộ Điện lực Vị Thanh", "Chi bộ Điện lực Phụng Hiệp", "Chi bộ Điện lực Châu Thành A"]),
    ("Chi bộ Công ty Cổ phần Cấp thoát nước – Công trình đô thị Hậu Giang", "CTN", &[]),
    ("Chi bộ Công ty TNHH MTV Xổ số kiến thiết Hậu Giang", "XSKT", &[]),
    ("Đảng bộ Ngân hàng Nông nghiệp và Phát triển nông thôn – Chi nhánh Hậu Giang", "AGRIHG", &["Chi bộ Hội sở tỉnh", "Chi bộ Chi nhánh Phụng Hiệp", "Chi bộ Chi nhánh Long Mỹ"]),
    ("Chi bộ Ngân hàng Chính sách xã hội – Chi nhánh Hậu Giang", "NHCSXH", &[]),
    ("Chi bộ Viễn thông Hậu Giang", "VNPTHG", &[]),
    ("Chi bộ Bưu điện tỉnh Hậu Giang", "BDHG", &[]),
    ("Chi bộ Công ty TNHH MTV Công trình công cộng Vị Thanh", "CTCC", &[]),
];

const MILITARY: &[(&str, &str, &[&str])] = &[
    ("Đảng bộ Cơ quan Bộ Chỉ huy Quân sự tỉnh", "CQQS", &["Chi bộ Phòng Tham mưu", "Chi bộ Phòng Chính trị", "Chi bộ Phòng Hậu cần – Kỹ thuật"]),
    ("Đảng bộ Tiểu đoàn Bộ binh", "TDBB", &["Chi bộ Đại đội 1", "Chi bộ Đại đội 2", "Chi bộ Đại đội 3"]),
];

const POLICE: &[(&str, &str, &[&str])] = &[
    ("Đảng bộ Cơ quan Công an tỉnh", "CQCA", &["Chi bộ Phòng Tham mưu", "Chi bộ Phòng An ninh chính trị nội bộ", "Chi bộ Phòng Cảnh sát hình sự", "Chi bộ Phòng Cảnh sát giao thông", "Chi bộ Phòng Cảnh sát PCCC và CNCH", "Chi bộ Phòng Cảnh sát quản lý hành chính về trật tự xã hội"]),
    ("Đảng bộ Trại tạm giam Công an tỉnh", "TTGCA", &["Chi bộ Đội Quản giáo", "Chi bộ Đội Hậu cần"]),
];

/// One generated unit before insertion.
struct SeedUnit {
    id: i64,
    parent: Option<usize>,
    kind: &'static str,
    code: String,
    name: String,
    valid_from: NaiveDate,
    /// Relative share of members (0 for units that are not cells).
    weight: u32,
}

#[derive(Default)]
struct Tree {
    units: Vec<SeedUnit>,
}

impl Tree {
    fn add(&mut self, parent: Option<usize>, kind: &'static str, code: String, name: String, valid_from: NaiveDate, weight: u32) -> usize {
        let index = self.units.len();
        self.units.push(SeedUnit { id: index as i64 + 1, parent, kind, code, name, valid_from, weight });
        index
    }

    /// An organisation with its cells, or a grassroots cell if it has none.
    fn add_org(&mut self, parent: usize, code: String, name: &str, cells: &[&str], from: NaiveDate, weight: u32) {
        if cells.is_empty() {
            self.add(Some(parent), "grassroots_cell", code, name.to_string(), from, weight);
        } else {
            let org = self.add(Some(parent), "grassroots", code.clone(), name.to_string(), from, 0);
            for (i, cell) in cells.iter().enumerate() {
                self.add(Some(org), "cell", format!("{code}.{:02}", i + 1), cell.to_string(), from, weight);
            }
        }
    }

    fn depth(&self, mut index: usize) -> i32 {
        let mut depth = 0;
        while let Some(parent) = self.units[index].parent {
            depth += 1;
            index = parent;
        }
        depth
    }
}

fn build_tree(rng: &mut Rng) -> Tree {
    let mut tree = Tree::default();
    let founded = ymd(2004, 1, 1);
    let root = tree.add(None, "provincial", "HG".into(), "Đảng bộ tỉnh Hậu Giang".into(), founded, 0);
    for (name, code, committee, from, communes) in districts() {
        let district = tree.add(Some(root), "upper_grassroots", code.into(), name.into(), from, 0);
        let place = name.trim_start_matches("Đảng bộ ").to_string();
        let short = place.split_once(' ').map(|(_, rest)| rest).unwrap_or(&place).to_string();
        let short = short.trim_start_matches("phố ").trim_start_matches("xã ").to_string();
        let agencies: [(&str, &[&str]); 6] = [
            ("Chi bộ Văn phòng", &[]),
            ("Chi bộ Ban Tổ chức", &[]),
            ("Chi bộ Cơ quan Ủy ban nhân dân", &[]),
            ("Chi bộ Phòng Giáo dục và Đào tạo", &[]),
            ("Đảng bộ Quân sự", &["Chi bộ Ban Chỉ huy", "Chi bộ Dân quân cơ động", "Chi bộ Kho – Trạm"]),
            ("Đảng bộ Công an", &["Chi bộ Đội Tham mưu", "Chi bộ Đội Cảnh sát điều tra", "Chi bộ Đội Cảnh sát giao thông", "Chi bộ Đội An ninh"]),
        ];
        for (i, (agency, cells)) in agencies.iter().enumerate() {
            let full = match i {
                0 | 1 => format!("{agency} {committee} {short}"),
                _ => format!("{agency} {}", place.trim()),
            };
            tree.add_org(district, format!("{code}.CQ{:02}", i + 1), &full, cells, from, 12);
        }
        for (n, (prefix, commune)) in communes.iter().enumerate() {
            let commune_code = format!("{code}.{:02}", n + 1);
            let org = tree.add(Some(district), "grassroots", commune_code.clone(), format!("Đảng bộ {prefix} {commune}"), from.max(founded), 0);
            let hamlet_word = if *prefix == "phường" { "khu vực" } else { "ấp" };
            let hamlets = rng.range(6, 9);
            for h in 1..=hamlets {
                tree.add(Some(org), "cell", format!("{commune_code}.{h:02}"), format!("Chi bộ {hamlet_word} {h}"), from, 30);
            }
            let place_title = format!("{prefix} {commune}");
            let agency_cells = [
                "Chi bộ Cơ quan Đảng – Đoàn thể".to_string(),
                "Chi bộ Ủy ban nhân dân".to_string(),
                "Chi bộ Quân sự".to_string(),
                "Chi bộ Công an".to_string(),
                format!("Chi bộ Trường Tiểu học {commune}"),
                format!("Chi bộ Trường Trung học cơ sở {commune}"),
                format!("Chi bộ Trạm Y tế {place_title}"),
            ];
            for (k, cell) in agency_cells.into_iter().enumerate() {
                let code = format!("{commune_code}.{:02}", hamlets as usize + k + 1);
                tree.add(Some(org), "cell", code, cell, from, 11);
            }
        }
    }
    let blocs: [(&str, &str, Organisations); 4] = [
        ("Đảng bộ Khối các cơ quan tỉnh", "KCQ", PROVINCIAL_AGENCIES),
        ("Đảng bộ Khối Doanh nghiệp tỉnh", "KDN", ENTERPRISES),
        ("Đảng bộ Quân sự tỉnh", "QST", MILITARY),
        ("Đảng bộ Công an tỉnh", "CAT", POLICE),
    ];
    for (name, code, orgs) in blocs {
        let bloc = tree.add(Some(root), "upper_grassroots", code.into(), name.into(), founded, 0);
        for (org_name, org_code, cells) in orgs {
            tree.add_org(bloc, format!("{code}.{org_code}"), org_name, cells, founded, 22);
        }
    }
    tree
}

/// Splits `total` members over cells by weight, deterministically.
fn members_per_cell(tree: &Tree, total: usize, rng: &mut Rng) -> Vec<usize> {
    let weights: Vec<u64> = tree.units.iter().map(|u| u.weight as u64 * (80 + rng.below(41))).collect();
    let sum: u64 = weights.iter().sum();
    let mut counts: Vec<usize> = weights.iter().map(|w| (*w as u128 * total as u128 / sum.max(1) as u128) as usize).collect();
    let mut missing = total - counts.iter().sum::<usize>();
    let cells: Vec<usize> = (0..counts.len()).filter(|&i| weights[i] > 0).collect();
    let mut i = 0;
    while missing > 0 && !cells.is_empty() {
        counts[cells[i % cells.len()]] += 1;
        missing -= 1;
        i += 1;
    }
    counts
}

struct Person {
    full_name: String,
    gender: &'static str,
    birth_date: NaiveDate,
    admitted_on: NaiveDate,
    official_on: Option<NaiveDate>,
}

fn person(rng: &mut Rng) -> Person {
    let male = rng.below(100) < 64;
    let surname = rng.weighted(SURNAMES);
    let middle = rng.weighted(if male { MIDDLE_MALE } else { MIDDLE_FEMALE });
    let given = rng.pick(if male { GIVEN_MALE } else { GIVEN_FEMALE });
    let reference = reference_date();
    // Ages 22..=84, weighted toward working age with a long tail of veteran members.
    let age = if rng.below(100) < 78 { rng.range(24, 60) } else { rng.range(61, 84) };
    let birth_year = reference.year() - age as i32;
    let birth_date = ymd(birth_year, rng.range(1, 12) as u32, rng.range(1, 28) as u32);
    let earliest = ymd(birth_year + 18, birth_date.month(), birth_date.day()).max(ymd(1965, 1, 1));
    let latest = reference - chrono::Duration::days(30);
    let span = (latest - earliest).num_days().max(1);
    // Most members join in their twenties or thirties.
    let offset = (rng.below(span as u64).min(rng.below(span as u64))) as i64;
    let admitted_on = earliest + chrono::Duration::days(offset);
    let official = admitted_on + chrono::Duration::days(365);
    Person {
        full_name: format!("{surname} {middle} {given}"),
        gender: if male { "nam" } else { "nu" },
        birth_date,
        admitted_on,
        official_on: (official <= reference).then_some(official),
    }
}

/// Unique per index: an injective map into 7 digits behind a rotating carrier prefix.
fn phone_for(index: usize) -> String {
    let prefix = PHONE_PREFIXES[index % PHONE_PREFIXES.len()];
    format!("{prefix}{:07}", (index as u64 * 7919 + 123_457) % 10_000_000)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub units: usize,
    pub members: usize,
    pub seeded: bool,
}

/// Seeds the demo province when the database has no units yet; otherwise does nothing.
pub async fn seed_if_empty(db: &DatabaseConnection) -> Result<SeedReport, DbErr> {
    if unit::Entity::find().count(db).await? > 0 {
        return Ok(SeedReport { units: 0, members: 0, seeded: false });
    }
    seed_demo(db, TOTAL_MEMBERS).await
}

/// Inserts the whole demo province in one transaction (all or nothing).
pub async fn seed_demo(db: &DatabaseConnection, total_members: usize) -> Result<SeedReport, DbErr> {
    let mut rng = Rng(0x4841_5547_4941_4e47); // "HAUGIANG"
    let tree = build_tree(&mut rng);
    let counts = members_per_cell(&tree, total_members, &mut rng);
    let demo_hash = password_hash(DEMO_PASSWORD)?;
    let now = Utc::now();

    let txn = db.begin().await?;
    let unit_rows: Vec<unit::ActiveModel> = tree
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| unit::ActiveModel {
            id: Set(u.id),
            parent_id: Set(u.parent.map(|p| tree.units[p].id)),
            kind: Set(u.kind.into()),
            code: Set(u.code.clone()),
            name: Set(u.name.clone()),
            folded_name: Set(fold(&u.name)),
            depth: Set(tree.depth(i)),
            valid_from: Set(u.valid_from),
            valid_to: Set(None),
        })
        .collect();
    insert_chunks::<unit::Entity, _>(&txn, unit_rows, 1000).await?;

    let mut closure_rows = Vec::new();
    for (i, u) in tree.units.iter().enumerate() {
        let mut ancestor = Some(i);
        let mut depth = 0;
        while let Some(a) = ancestor {
            closure_rows.push(unit_closure::ActiveModel {
                ancestor_id: Set(tree.units[a].id),
                descendant_id: Set(u.id),
                depth: Set(depth),
            });
            ancestor = tree.units[a].parent;
            depth += 1;
        }
    }
    insert_chunks::<unit_closure::Entity, _>(&txn, closure_rows, 3000).await?;

    let demo = demo_slots(&tree);
    let mut members = Vec::with_capacity(total_members);
    let mut memberships = Vec::with_capacity(total_members);
    let mut credentials = Vec::with_capacity(total_members);
    let mut positions = Vec::new();
    let mut next_id: i64 = 1;
    for (i, u) in tree.units.iter().enumerate() {
        for slot in 0..counts[i] {
            let id = next_id;
            next_id += 1;
            let mut p = person(&mut rng);
            let demo_account = demo.iter().position(|d| d.0 == i && d.1 == slot);
            if let Some(k) = demo_account {
                p.full_name = DEMO_NAMES[k].into();
                p.gender = if DEMO_NAMES[k].contains(" Thị ") { "nu" } else { "nam" };
            }
            let phone = match demo_account {
                Some(k) => Some(DEMO_ACCOUNTS[k].0.to_string()),
                None if rng.below(100) < 93 => Some(phone_for(id as usize)),
                None => None,
            };
            members.push(member::ActiveModel {
                id: Set(id),
                folded_name: Set(fold_padded(&p.full_name)),
                sort_key: Set(name_sort_key(&p.full_name)),
                full_name: Set(p.full_name),
                birth_date: Set(p.birth_date),
                gender: Set(p.gender.into()),
                card_no: Set(format!("64{:06}", 10_000 + id)),
                phone: Set(phone),
                email: Set(None),
                admitted_on: Set(p.admitted_on),
                official_on: Set(p.official_on),
                status: Set("active".into()),
                unit_id: Set(u.id),
                created_at: Set(now),
                updated_at: Set(now),
            });
            memberships.push(membership::ActiveModel {
                member_id: Set(id),
                unit_id: Set(u.id),
                from_date: Set(p.admitted_on.max(u.valid_from)),
                to_date: Set(None),
                reason: Set("Dữ liệu ban đầu".into()),
                ..Default::default()
            });
            // Only the four documented demo accounts can log in as seeded. Every other member
            // has no password until their cell's secretary or an administrator issues one:
            // a shared initial password with sequential card numbers would let anyone claim
            // accounts nobody has used yet.
            if demo_account.is_some() {
                credentials.push(credential::ActiveModel {
                    member_id: Set(id),
                    password_hash: Set(demo_hash.clone()),
                    must_change: Set(false),
                    updated_at: Set(now),
                });
            }
            let role = match (slot, demo_account) {
                (_, Some(0)) => Some(("admin", tree.units[0].id)),
                (_, Some(1)) => Some(("committee_member", phung_hiep_id(&tree))),
                (0, _) => Some(("secretary", u.id)),
                (1, _) => Some(("deputy_secretary", u.id)),
                _ => None,
            };
            if let Some((role, scope)) = role {
                positions.push(position::ActiveModel {
                    member_id: Set(id),
                    unit_id: Set(scope),
                    role: Set(role.into()),
                    from_date: Set(ymd(2020, 10, 15).max(u.valid_from)),
                    to_date: Set(None),
                    ..Default::default()
                });
            }
        }
    }
    let member_count = members.len();
    insert_chunks::<member::Entity, _>(&txn, members, 1000).await?;
    insert_chunks::<membership::Entity, _>(&txn, memberships, 2000).await?;
    insert_chunks::<credential::Entity, _>(&txn, credentials, 3000).await?;
    insert_chunks::<position::Entity, _>(&txn, positions, 2000).await?;
    txn.commit().await?;
    crate::db::sync_id_sequences(db, &["units", "members", "memberships", "positions"]).await?;
    crate::db::refresh_statistics(db).await?;
    Ok(SeedReport { units: tree.units.len(), members: member_count, seeded: true })
}

const DEMO_NAMES: [&str; 4] = ["Nguyễn Thanh Tùng", "Lê Hoàng Phúc", "Trần Thị Bích Ngọc", "Phạm Văn Hậu"];

fn phung_hiep_id(tree: &Tree) -> i64 {
    tree.units.iter().find(|u| u.code == "PH").map(|u| u.id).unwrap_or(1)
}

/// (unit index, slot) for each demo account: the admin and the committee member sit in their
/// committee's office cell (after its secretary and deputy); the secretary is slot 0 of
/// "Chi bộ ấp 3, xã Hòa An" and the plain member slot 5 of the same cell.
fn demo_slots(tree: &Tree) -> [(usize, usize); 4] {
    let index_of = |code: &str| tree.units.iter().position(|u| u.code == code).unwrap_or(0);
    let hoa_an = tree
        .units
        .iter()
        .position(|u| u.name == "Đảng bộ xã Hòa An")
        .map(|i| tree.units[i].code.clone())
        .unwrap_or_default();
    let hamlet = index_of(&format!("{hoa_an}.03"));
    [(index_of("KCQ.VPTU"), 2), (index_of("PH.CQ01"), 2), (hamlet, 0), (hamlet, 5)]
}

fn password_hash(password: &str) -> Result<String, DbErr> {
    crate::auth::service::hash_password_blocking(password).map_err(|e| DbErr::Custom(e.to_string()))
}

pub(super) async fn insert_chunks<E, A>(db: &impl ConnectionTrait, rows: Vec<A>, chunk: usize) -> Result<(), DbErr>
where
    E: EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<A> = rows.by_ref().take(chunk).collect();
        E::insert_many(batch).exec_without_returning(db).await?;
    }
    Ok(())
}

/// Bench only: adds `count` synthetic cells under the existing grassroots organisations so
/// subtree queries can be timed on a 50k-unit tree. Returns how many units were added.
pub async fn grow_tree(db: &DatabaseConnection, count: usize) -> Result<usize, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    let parents = unit::Entity::find().filter(unit::Column::Kind.eq("grassroots")).all(db).await?;
    if parents.is_empty() {
        return Ok(0);
    }
    let max_id: i64 = unit::Entity::find()
        .select_only()
        .column_as(unit::Column::Id.max(), "m")
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten()
        .unwrap_or(0);
    let mut ancestors = std::collections::HashMap::new();
    for p in &parents {
        let rows = unit_closure::Entity::find().filter(unit_closure::Column::DescendantId.eq(p.id)).all(db).await?;
        ancestors.insert(p.id, rows);
    }
    let txn = db.begin().await?;
    let mut units = Vec::with_capacity(count);
    let mut closure = Vec::with_capacity(count * 5);
    for i in 0..count {
        let parent = &parents[i % parents.len()];
        let id = max_id + 1 + i as i64;
        let name = format!("Chi bộ thử nghiệm {i}");
        units.push(unit::ActiveModel {
            id: Set(id),
            parent_id: Set(Some(parent.id)),
            kind: Set("cell".into()),
            code: Set(format!("BENCH.{i}")),
            folded_name: Set(fold(&name)),
            name: Set(name),
            depth: Set(parent.depth + 1),
            valid_from: Set(parent.valid_from),
            valid_to: Set(None),
        });
        closure.push(unit_closure::ActiveModel { ancestor_id: Set(id), descendant_id: Set(id), depth: Set(0) });
        for a in ancestors.get(&parent.id).into_iter().flatten() {
            closure.push(unit_closure::ActiveModel {
                ancestor_id: Set(a.ancestor_id),
                descendant_id: Set(id),
                depth: Set(a.depth + 1),
            });
        }
    }
    insert_chunks::<unit::Entity, _>(&txn, units, 1000).await?;
    insert_chunks::<unit_closure::Entity, _>(&txn, closure, 3000).await?;
    txn.commit().await?;
    crate::db::sync_id_sequences(db, &["units"]).await?;
    crate::db::refresh_statistics(db).await?;
    Ok(count)
}

/// The demo library: the official documents vendored under `app/demo-docs` (see its README for
/// provenance), addressed to every member of the province.
/// Number, title, kind, level, issuer, issued on (y, m, d), keywords and the text.
type DemoDocument = (&'static str, &'static str, &'static str, &'static str, &'static str, (i32, u32, u32), &'static str, &'static str);
const DEMO_DOCUMENTS: [DemoDocument; 4] = [
    (
        "",
        "Điều lệ Đảng Cộng sản Việt Nam",
        "dieu_le",
        "central",
        "Đại hội đại biểu toàn quốc lần thứ XI",
        (2011, 1, 19),
        "điều lệ, đảng viên, tổ chức đảng, kỷ luật",
        include_str!("../../demo-docs/dieu-le-dang-2011.md"),
    ),
    (
        "37-HD/BTGDVTW",
        "Hướng dẫn về việc đổi mới, nâng cao chất lượng, hiệu quả Bản tin sinh hoạt chi bộ trong giai đoạn mới",
        "huong_dan",
        "central",
        "Ban Tuyên giáo và Dân vận Trung ương",
        (2025, 11, 19),
        "sinh hoạt chi bộ, bản tin, công tác tư tưởng",
        include_str!("../../demo-docs/huong-dan-37-HD-BTGDVTW-2025.md"),
    ),
    (
        "1147-QĐ/BTGDVTW",
        "Quyết định ban hành Quy chế bồi dưỡng, giảng dạy của trung tâm chính trị xã, phường, đặc khu",
        "quyet_dinh",
        "central",
        "Ban Tuyên giáo và Dân vận Trung ương",
        (2025, 12, 1),
        "bồi dưỡng lý luận chính trị, trung tâm chính trị",
        include_str!("../../demo-docs/quyet-dinh-1147-QD-BTGDVTW-2025.md"),
    ),
    (
        "",
        "Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam năm 2013",
        "hien_phap_luat",
        "central",
        "Quốc hội",
        (2013, 11, 28),
        "Hiến pháp, Nhà nước pháp quyền, quyền con người, quyền công dân",
        include_str!("../../demo-docs/hien-phap-2013.txt"),
    ),
];

/// Loads the demo library when there are no documents yet. Returns how many were added.
pub async fn seed_documents_if_empty(db: &DatabaseConnection) -> Result<usize, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    if crate::db::entities::document::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let Some(root) = unit::Entity::find().filter(unit::Column::ParentId.is_null()).one(db).await? else {
        return Ok(0);
    };
    let mut added = 0;
    for (number, title, doc_type, level, issuer, (y, m, d), topics, text) in DEMO_DOCUMENTS {
        let meta = crate::documents::service::ImportMeta {
            number: number.into(),
            title: title.into(),
            doc_type: doc_type.into(),
            level: level.into(),
            issuer: issuer.into(),
            issued_on: NaiveDate::from_ymd_opt(y, m, d),
            topics: topics.into(),
            owner_unit_id: root.id,
            audience_all: true,
            published: true,
            source: if doc_type == "hien_phap_luat" {
                "Văn bản chính thức; bản số hóa từ kho DucLong06/ALQAC2023 (thiếu Lời nói đầu, Điều 115, 116)".into()
            } else {
                "Văn bản chính thức; bản số hóa từ kho tnt305/tai_lieu_noi_bo".into()
            },
        };
        let imported = crate::documents::service::import_text(db, &meta, text)
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        added += usize::from(imported.is_some());
    }
    assign_demo_reading(db, root.id).await?;
    crate::db::refresh_statistics(db).await?;
    Ok(added)
}

/// Required reading for the demo, as a province would have it a few weeks into the campaign:
/// Hướng dẫn 37 for the whole province (due in 30 days), the Party Charter for Phụng Hiệp (due in
/// 45 days), and Quyết định 1147 for the provincial agencies' bloc (already past due). Progress
/// varies by district; the demo accounts' own cell starts untouched so a visitor can try it.
async fn assign_demo_reading(db: &DatabaseConnection, root_id: i64) -> Result<(), DbErr> {
    use crate::db::entities::{assignment, document};
    use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter};
    let Some(admin) = member::Entity::find().filter(member::Column::Phone.eq(DEMO_ACCOUNTS[0].0)).one(db).await? else {
        return Ok(());
    };
    let today = crate::common::time::today();
    let bloc = unit::Entity::find().filter(unit::Column::Code.eq("KCQ")).one(db).await?.map(|u| u.id);
    let district = unit::Entity::find().filter(unit::Column::Code.eq("PH")).one(db).await?.map(|u| u.id);
    let plan: [(&str, &str, Option<i64>, i64); 3] = [
        ("number", "37-HD/BTGDVTW", Some(root_id), 30),
        ("doc_type", "dieu_le", district, 45),
        ("number", "1147-QĐ/BTGDVTW", bloc, -10),
    ];
    let demo_member = member::Entity::find().filter(member::Column::Phone.eq(DEMO_ACCOUNTS[3].0)).one(db).await?;
    let spared_cell = demo_member.map(|m| m.unit_id);
    let mut rng = Rng(0x5eed_2026);
    for (column, value, unit_id, due_in) in plan {
        let Some(unit_id) = unit_id else { continue };
        let column = if column == "number" { document::Column::Number } else { document::Column::DocType };
        let Some(doc) = document::Entity::find().filter(column.eq(value)).one(db).await? else { continue };
        assignment::ActiveModel {
            document_id: Set(doc.id),
            unit_id: Set(unit_id),
            due_on: Set(today + chrono::Duration::days(due_in)),
            assigned_by: Set(admin.id),
            created_at: Set(Utc::now() - chrono::Duration::days(20)),
            ..Default::default()
        }
        .insert(db)
        .await?;
        demo_progress(db, doc.id, unit_id, spared_cell, &mut rng).await?;
    }
    Ok(())
}

/// Reading status for the members under `unit_id`: a share has read and confirmed, some are
/// part-way, the rest have not started; the share read differs from one district to the next.
async fn demo_progress(db: &DatabaseConnection, document_id: i64, unit_id: i64, spared_cell: Option<i64>, rng: &mut Rng) -> Result<(), DbErr> {
    use crate::db::entities::{document_section, reading_status};
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    let (sections, words): (i64, i64) = document_section::Entity::find()
        .select_only()
        .column_as(document_section::Column::Id.count(), "n")
        .column_as(document_section::Column::Words.sum(), "w")
        .filter(document_section::Column::DocumentId.eq(document_id))
        .filter(document_section::Column::Words.gt(0))
        .into_tuple::<(i64, Option<i64>)>()
        .one(db)
        .await?
        .map(|(n, w)| (n, w.unwrap_or(0)))
        .unwrap_or((0, 0));
    let required = words / crate::reading::DEFAULT_WORDS_PER_SECOND;
    let members: Vec<(i64, i64)> = member::Entity::find()
        .select_only()
        .column(member::Column::Id)
        .column(member::Column::UnitId)
        .join(sea_orm::JoinType::InnerJoin, crate::db::entities::joins::member_ancestors())
        .filter(unit_closure::Column::AncestorId.eq(unit_id))
        .filter(member::Column::Status.eq("active"))
        .into_tuple()
        .all(db)
        .await?;
    // Each cell's district (the unit at depth 1 above it), whose committee sets the pace.
    let district_of: std::collections::HashMap<i64, i64> = unit_closure::Entity::find()
        .select_only()
        .column(unit_closure::Column::DescendantId)
        .column(unit_closure::Column::AncestorId)
        .join(
            sea_orm::JoinType::InnerJoin,
            unit_closure::Entity::belongs_to(unit::Entity).from(unit_closure::Column::AncestorId).to(unit::Column::Id).into(),
        )
        .filter(unit::Column::Depth.eq(1))
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let now = Utc::now();
    let mut statuses = Vec::new();
    for (member_id, cell) in members {
        if Some(cell) == spared_cell {
            continue;
        }
        // 35–85 % read, depending on the district; 15 % part-way.
        let district = district_of.get(&cell).copied().unwrap_or(cell);
        let read_share = 35 + district.unsigned_abs() * 7919 % 51;
        let roll = rng.below(100);
        let started_days = rng.range(1, 18);
        let (seen, seconds, completed, confirmed) = if roll < read_share {
            let done = now - chrono::Duration::days(rng.range(0, started_days));
            (sections, required + rng.range(60, 1200), Some(done), Some(done))
        } else if roll < read_share + 15 {
            (rng.range(1, sections.max(2) - 1), rng.range(30, required.max(60)), None, None)
        } else {
            continue;
        };
        statuses.push(reading_status::ActiveModel {
            member_id: Set(member_id),
            document_id: Set(document_id),
            seen_sections: Set(seen as i32),
            total_sections: Set(sections as i32),
            active_seconds: Set(seconds as i32),
            started_at: Set(now - chrono::Duration::days(started_days)),
            completed_at: Set(completed),
            confirmed_at: Set(confirmed),
        });
    }
    let txn = db.begin().await?;
    insert_chunks::<reading_status::Entity, _>(&txn, statuses, 2000).await?;
    txn.commit().await
}
