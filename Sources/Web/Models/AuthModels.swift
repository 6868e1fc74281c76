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
