//! Statement builders shared by the migrations (each migration names its own tables and
//! columns in `DeriveIden` enums of its own file).

use sea_orm_migration::prelude::*;

pub(super) fn fk(from: (impl IntoIden, impl IntoIden), to: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).to_owned()
}

pub(super) fn index(table: impl IntoIden, name: &str, cols: Vec<DynIden>) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(col);
    }
    stmt.to_owned()
}
