//! The TypeScript declarations of every type the desktop UI receives, generated from
//! the Rust types (ts-rs) into `ui/src/lib/bindings.ts`; a test keeps the file current.

use ts_rs::TS;

/// The whole generated file.
pub fn typescript() -> String {
    let decls = [
        crate::error::ErrorCode::decl(),
        crate::error::UiError::decl(),
        crate::identity::IdentityCard::decl(),
        crate::view::EntryView::decl(),
        crate::team::OfficerView::decl(),
        crate::team::TeamView::decl(),
        crate::team::Joined::decl(),
        crate::view::SessionView::decl(),
        crate::view::LedgerView::decl(),
        crate::view::EntryDetail::decl(),
        crate::view::ProgressView::decl(),
        crate::proof::InclusionProof::decl(),
        crate::proof::ConsistencyProof::decl(),
        crate::verify::Verdict::decl(),
        crate::verify::Severity::decl(),
        crate::verify::Finding::decl(),
        crate::verify::Report::decl(),
        crate::masterdata::Product::decl(),
        crate::masterdata::Location::decl(),
        crate::masterdata::Party::decl(),
        crate::masterdata::MasterRecord::decl(),
        crate::parties::TrustStatus::decl(),
        crate::parties::PartyView::decl(),
        crate::parties::TrustDecision::decl(),
        crate::parties::SignerStatus::decl(),
        crate::bundle::Subject::decl(),
        crate::bundle::BundleVerdict::decl(),
        crate::bundle::FindingSeverity::decl(),
        crate::bundle::BundleFinding::decl(),
        crate::bundle::AuthorSummary::decl(),
        crate::bundle::Hop::decl(),
        crate::bundle::Handover::decl(),
        crate::bundle::BundleReport::decl(),
        crate::identity::QrModules::decl(),
        crate::bundle::BundleImport::decl(),
        crate::trace::Direction::decl(),
        crate::attention::Attention::decl(),
        crate::attention::DraftAttention::decl(),
        crate::received::Received::decl(),
        crate::epcis::ImportReport::decl(),
        crate::epcis::ImportWarning::decl(),
        crate::epcis::ImportOutcome::decl(),
        crate::epcis::MasterDataOutcome::decl(),
        crate::epcis::document::Format::decl(),
        crate::timeline::TimelineFilter::decl(),
        crate::timeline::TimelineEvent::decl(),
        crate::timeline::EventObject::decl(),
        crate::timeline::EventDetail::decl(),
        crate::trace::TraceResult::decl(),
        crate::map::MapPlace::decl(),
        crate::trace::TraceNode::decl(),
        crate::trace::TraceEvent::decl(),
        crate::trace::MassBalance::decl(),
        crate::masterdata::Plot::decl(),
        crate::dossier::Dossier::decl(),
        crate::dossier::Supersedes::decl(),
        crate::dossier::Header::decl(),
        crate::dossier::Offices::decl(),
        crate::dossier::Parties::decl(),
        crate::dossier::DossierParty::decl(),
        crate::dossier::PartyId::decl(),
        crate::dossier::Transport::decl(),
        crate::dossier::Container::decl(),
        crate::dossier::Valuation::decl(),
        crate::dossier::GoodsLine::decl(),
        crate::dossier::Commodity::decl(),
        crate::dossier::PreferentialOrigin::decl(),
        crate::dossier::Packages::decl(),
        crate::dossier::Quantity::decl(),
        crate::dossier::LineItem::decl(),
        crate::dossier::Document::decl(),
        crate::dossier::Attachment::decl(),
        crate::dossier::Check::decl(),
        crate::dossier::store::Status::decl(),
        crate::dossier::store::Stored::decl(),
        crate::dossier::store::Summary::decl(),
        crate::dossier::store::SealOutcome::decl(),
        crate::dossier::store::Review::decl(),
        crate::dossier::rules::Origin::decl(),
        crate::dossier::rules::LineProvenance::decl(),
        crate::dossier::sealed::SealReport::decl(),
        crate::dossier::lines_csv::ColumnMap::decl(),
        crate::dossier::lines_csv::LinesImport::decl(),
        crate::dossier::lines_csv::DecimalMark::decl(),
        crate::dossier::lines_csv::NumberReading::decl(),
        crate::dossier::screening::ListMatch::decl(),
        crate::dossier::sealed::QrSeal::decl(),
        crate::pdf::PreviewPage::decl(),
        crate::pdf::PreviewItem::decl(),
        crate::label::verify::LabelReport::decl(),
        crate::label::scan::Scanned::decl(),
        crate::label::sheet::SheetPreview::decl(),
        crate::label::sheet::LabelPreview::decl(),
        crate::label::sheet::PreviewLine::decl(),
        crate::label::sightings::SightingRow::decl(),
        crate::certificate::verify::CertificateReport::decl(),
        crate::certificate::statement::CertificateType::decl(),
        crate::certificate::statement::Statement::decl(),
        crate::certificate::statement::Subject::decl(),
        crate::certificate::statement::LotSubject::decl(),
        crate::certificate::statement::DossierSubject::decl(),
        crate::certificate::statement::FileSubject::decl(),
        crate::attest::Hashed::decl(),
        crate::attest::AttestCheck::decl(),
        crate::publish::Step::decl(),
        crate::publish::PassportView::decl(),
        crate::untp::UntpReport::decl(),
        crate::certificate::statement::Goods::decl(),
        crate::certificate::statement::OriginSummary::decl(),
        crate::certificate::statement::Place::decl(),
        crate::certificate::statement::Candidate::decl(),
    ];
    declarations(
        "// Generated from the Rust types by tradeseal-core (src/bindings.rs). Do not edit:\n// run `TRADESEAL_BLESS=1 cargo test -p tradeseal-core bindings` to regenerate.\n\n",
        &decls,
    )
}

/// A generated TypeScript file: `head`, then each declaration exported.
pub fn declarations(head: &str, decls: &[String]) -> String {
    let mut out = String::from(head);
    for d in decls {
        out.push_str("export ");
        out.push_str(d);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// Keeps the generated file at `path` equal to `want`: rewritten with
/// `TRADESEAL_BLESS=1`, else a panic saying which command regenerates it (for tests).
pub fn keep_current(path: &std::path::Path, want: &str, regenerate: &str) {
    if std::env::var_os("TRADESEAL_BLESS").is_some() {
        std::fs::write(path, want).expect("writing the generated file");
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "{} is stale: run {regenerate}",
        path.display()
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn bindings_are_up_to_date() {
        super::keep_current(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings.ts"),
            &super::typescript(),
            "TRADESEAL_BLESS=1 cargo test -p tradeseal-core bindings",
        );
    }
}
