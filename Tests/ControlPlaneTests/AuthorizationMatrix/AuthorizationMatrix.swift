/// Every operation of openapi.yaml × every kind of caller.
///
/// The rows are walked in this order on a fresh control plane per caller (`MatrixFixture`):
/// public operations, the caller's own account, the superuser's, then the organisation's reads and
/// writes, and last the destructive ones (deletions, a password change, redeeming an invitation,
/// deleting the organisation, signing out), so a caller that may do them still finds everything
/// the earlier rows need. Rows that remove something remove a throwaway object of the fixture.
///
/// Expectations come from docs/access.md and docs/security.md (`MatrixPermission`), never from the
/// handlers, so the matrix catches the code being wrong.
enum AuthorizationMatrix {
    static let rows: [MatrixRow] = publicRows + accountRows + superuserRows + organizationRows + osRows + accessRows + destructiveRows

    /// The fixture's password for every account that has one.
    static let password = "matrix-passphrase-24"
}
