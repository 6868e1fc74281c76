/// `Templates/auth/customer_login.mustache`: the email field and its message.
struct CustomerLoginPage {
    let action: String
    let email: String
    let error: String?
}

/// `Templates/auth/check_email.mustache`.
struct CheckEmailPage {}

/// `Templates/auth/link_invalid.mustache`.
struct LinkInvalidPage {
    let login: String
}

/// `Templates/auth/staff_login.mustache`: the merchants' and the agents' sign-in.
struct StaffLoginPage {
    let action: String
    let heading: String
    let intro: String
    let email: String
    let error: String?
    let next: String
    let forgotHref: String
}

/// `Templates/auth/forgot_password.mustache`: a staff member asks for a link to set a
/// new password (the same answer whether or not the address has an account).
struct ForgotPasswordPage {
    let action: String
    let email: String
    let loginHref: String
}

/// `Templates/auth/reset_password.mustache`: the new password, from the emailed link.
struct ResetPasswordPage {
    let action: String
    let email: String
    let errors: FieldErrors
    let minimum: Int
}

/// `Templates/auth/sign_in_code.mustache`: the second step of a staff sign-in, a code
/// from the app or a recovery code.
struct SignInCodePage {
    let action: String
    let error: String?
    let next: String
    let loginHref: String
}

/// `Templates/two_step.mustache`: two-step sign-in on `/settings/two-step`, in one of
/// three states (off, being set up, on), with the recovery codes once after a change.
struct TwoStepPage {
    let action: String
    /// The operator requires it and it is not on: nothing else opens until it is.
    let mustSetUp: Bool
    let off: Bool
    let setup: TwoStepSetup?
    let on: TwoStepOn?
    let recoveryCodes: [RecoveryCodeItem]
    let hasRecoveryCodes: Bool
    /// False where the operator requires two-step sign-in for the user's role.
    let canTurnOff: Bool
    let errors: FieldErrors
    let generalError: String?
    let doneHref: String
}

/// The QR code (as SVG path data in a `qrSide`-square view box) and the same secret as text.
struct TwoStepSetup {
    let qrSide: Int
    let qrPath: String
    let secret: String
    let account: String
}

struct TwoStepOn {
    let since: String
    let codesLeft: String
}

struct RecoveryCodeItem {
    let code: String
}
