import Protection

/// A message for a person, as a catalog key and its arguments: the page words it in
/// the reader's language.
public struct Message: Sendable, Equatable {
    public let key: String
    public let args: [String: String]
    /// Amounts, formatted by the page for its reader's language.
    public let money: [String: Money]
    public init(_ key: String, _ args: [String: String] = [:], money: [String: Money] = [:]) {
        self.key = key
        self.args = args
        self.money = money
    }
}

/// Why a form was refused: messages beside fields, and one for the whole form. Nothing
/// was changed.
public struct FormRejection: Error, Sendable, Equatable {
    public var fields: [String: Message]
    public var general: Message?
    /// 409 when the case changed under the user, 422 for input the user can correct.
    public var status: Int

    public init(fields: [String: Message] = [:], general: Message? = nil, status: Int = 422) {
        self.fields = fields
        self.general = general
        self.status = status
    }

    public static func field(_ name: String, _ key: String, _ args: [String: String] = [:]) -> FormRejection {
        FormRejection(fields: [name: Message(key, args)])
    }
}

/// The thing asked for does not exist for this viewer: a 404, whether it exists or not.
public struct NotFound: Error, Sendable, Equatable {
    public init() {}
}

extension FormRejection {
    /// The domain's refusal worded for the form it came from.
    static func from(
        _ error: CaseError, textField: String = "message", orderValue: Money,
        coverageLimit: Money? = nil
    ) -> FormRejection {
        switch error {
        case .wrongState(let state):
            return FormRejection(general: Message(state == .closed ? "error_case_closed" : "error_case_changed"), status: 409)
        case .deadlinePassed: return FormRejection(general: Message("error_deadline_passed"), status: 409)
        case .answerNotInVariant: return .field("answer", "error_answer_not_offered")
        case .messageRequired: return .field(textField, "error_message_required")
        case .emptyMessage: return .field("message", "error_message_or_documents")
        case .amountRequired: return .field("amount", "error_amount_required")
        case .amountNotPositive: return .field("amount", "error_amount_positive")
        case .amountAboveOrderValue:
            return FormRejection(fields: ["amount": Message("error_amount_above_value", money: ["value": orderValue])])
        case .amountAboveCoverageLimit:
            return FormRejection(fields: ["amount": Message("error_amount_above_coverage", money: ["limit": coverageLimit ?? orderValue])])
        case .currencyMismatch: return .field("amount", "error_currency_mismatch")
        case .shopInsolvent: return FormRejection(general: Message("error_shop_insolvent"), status: 409)
        case .wrongKind: return FormRejection(general: Message("error_not_for_this_case"), status: 409)
        case .awaitingApproval: return FormRejection(general: Message("error_awaiting_approval"), status: 409)
        case .noProposal, .noReturnAsked, .returnAlreadySent, .noReturnToConfirm:
            return FormRejection(general: Message("error_case_changed"), status: 409)
        case .ownProposal: return FormRejection(general: Message("error_own_proposal"), status: 409)
        case .decidedBefore: return FormRejection(general: Message("error_decided_before"), status: 409)
        case .appealWindowPassed: return FormRejection(general: Message("error_appeal_window_passed"), status: 409)
        case .appealUsed: return FormRejection(general: Message("error_appeal_used"), status: 409)
        case .trackingRequired: return .field("tracking", "error_tracking_required")
        case .trackingInvalid: return .field("tracking", "error_tracking_invalid")
        }
    }
}
