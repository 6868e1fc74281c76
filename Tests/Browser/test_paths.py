"""Every role's path in Chromium (issue "Real browsers"): the customer signs in with the
emailed link and opens a case with a file chosen in the file input, the merchant replies
with a document, the customer answers, the agent works the queue, writes a note and
decides. Every page is looked at (screenshots at desktop and phone size, axe-core, no
sideways scrolling, tap targets); test_z_valid_html.py checks their HTML afterwards."""
import atexit
import os
import shutil
import tempfile

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from stack import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


UPLOADS = tempfile.mkdtemp(prefix="bp-upload-")
atexit.register(shutil.rmtree, UPLOADS, True)


def a_file(name, data):
    path = os.path.join(UPLOADS, name)
    with open(path, "wb") as file:
        file.write(data)
    return path


def wait_for(pages, css):
    return WebDriverWait(pages.driver, 10).until(ready.presence_of_element_located((By.CSS_SELECTOR, css)))


def submit(form):
    """Sends the form and waits until the answer has replaced the page, so that what
    follows (mail in the outbox, a session cookie) is there."""
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(form.parent, 10).until(lambda driver: gone(form))


def gone(element):
    # Chromium reports a replaced page's node either as stale or as "does not belong to
    # the document"; both mean the same here.
    try:
        element.is_enabled()
        return False
    except WebDriverException:
        return True


def sign_in_customer(stack, pages, email):
    """Asks for a link on /login and opens the one the mail brings."""
    pages.get(stack, "/login")
    pages.driver.find_element(By.ID, "email").send_keys(email)
    submit(pages.driver.find_element(By.CSS_SELECTOR, "main form"))
    stack.deliver_mail()
    pages.driver.get(stack.link_in_last_mail(email))


def open_case(stack, pages, protection, option="not_received"):
    pages.get(stack, f"/protections/{protection}")
    pages.driver.find_element(By.CSS_SELECTOR, f"label[for=option-{option}]").click()
    submit(pages.driver.find_element(By.CSS_SELECTOR, "#feedback form"))
    wait_for(pages, ".timeline")
    return pages.driver.current_url.split("/cases/")[1].split("?")[0]


def sign_in_staff(stack, pages, path, email):
    pages.get(stack, path)
    pages.driver.find_element(By.ID, "email").send_keys(email)
    pages.driver.find_element(By.ID, "password").send_keys(PASSWORD)
    submit(pages.driver.find_element(By.CSS_SELECTOR, "main form"))


def test_every_role_from_feedback_to_decision(stack, browsers):
    protection = stack.register("WEB-1001", amount="249.99")

    # The customer: landing page, the sign-in link from the mail, the four options.
    anna = browsers()
    anna.get(stack, "/")
    anna.look("landing")
    anna.get(stack, "/login")
    anna.look("customer-login")
    anna.driver.find_element(By.ID, "email").send_keys("anna@example.com")
    submit(anna.driver.find_element(By.CSS_SELECTOR, "main form"))
    wait_for(anna, "main h1")
    anna.look("check-email")
    stack.deliver_mail()
    anna.driver.get(stack.link_in_last_mail("anna@example.com"))
    wait_for(anna, ".protection-list")
    anna.look("account")
    anna.driver.find_element(By.CSS_SELECTOR, ".protection-card h2 a").click()
    wait_for(anna, "#feedback")
    anna.look("protection-feedback-form")
    labels = [label.text for label in anna.driver.find_elements(By.CSS_SELECTOR, "fieldset.choices label")]
    assert labels == ["Everything is fine, I'd like to end Buyer Protection", "I have not received my order",
                      "I have not received my refund from the shop", "I have a different matter"]

    # The progressive touches: chosen files are listed with their sizes, one over the
    # limit is flagged, and the submit button is disabled after the first click.
    file_input = anna.driver.find_element(By.CSS_SELECTOR, "input[type=file]")
    big = a_file("too-big.pdf", PDF + b"0" * (11 * 1024 * 1024))
    file_input.send_keys(big)
    flagged = anna.driver.find_element(By.CSS_SELECTOR, ".file-list li")
    assert "too-big.pdf" in flagged.text and "too-large" in flagged.get_attribute("class")
    anna.driver.execute_script("arguments[0].value = ''", file_input)
    confirmation = a_file("order-confirmation.pdf", PDF)
    file_input.send_keys(confirmation)
    listed = anna.driver.find_element(By.CSS_SELECTOR, ".file-list li").text
    assert "order-confirmation.pdf" in listed and "KB" in listed

    anna.driver.find_element(By.CSS_SELECTOR, "label[for=option-not_received]").click()
    anna.driver.find_element(By.ID, "message-feedback").send_keys("The parcel never came.")
    submit(anna.driver.find_element(By.CSS_SELECTOR, "#feedback form"))
    wait_for(anna, ".timeline")
    assert "order-confirmation.pdf" in anna.driver.page_source
    anna.look("customer-case-opened")
    case_path = anna.driver.current_url.split(stack.base)[1].split("?")[0]
    case_id = case_path.rsplit("/", 1)[1]

    # The merchant: sign in, the case from the list, the reply form.
    shop = browsers()
    shop.get(stack, "/merchant/login")
    shop.look("merchant-login")
    sign_in_staff(stack, shop, "/merchant/login", "staff@shop.example")
    wait_for(shop, "table.cases")
    shop.look("merchant-cases")
    shop.driver.find_element(By.CSS_SELECTOR, f"a[href='/merchant/cases/{case_id}']").click()
    wait_for(shop, ".timeline")
    assert "order-confirmation.pdf" in shop.driver.page_source
    shop.look("merchant-case")
    shop.driver.find_element(By.CSS_SELECTOR, "a.button[href$='/reply']").click()
    wait_for(shop, ".reply-form")
    shop.look("merchant-reply-form")
    amount = shop.driver.find_element(By.ID, "amount")
    assert amount.get_attribute("value") == "249.99", "prefilled with the order value"
    amount_field = shop.driver.find_element(By.CSS_SELECTOR, ".amount-field")
    shop.driver.find_element(By.CSS_SELECTOR, "label[for=refund-no]").click()
    assert not amount_field.is_displayed(), "no amount for 'no'"
    shop.driver.find_element(By.CSS_SELECTOR, "label[for=refund-yes_after_return]").click()
    assert amount_field.is_displayed()
    shop.driver.find_element(By.CSS_SELECTOR, "label[for=refund-yes]").click()
    assert amount_field.is_displayed()
    amount.clear()
    amount.send_keys("100,00")
    shop.driver.find_element(By.ID, "message-reply").send_keys("We refund half; the other half was delivered.")
    shop.driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(a_file("proof.pdf", PDF + b"proof"))
    submit(shop.driver.find_element(By.CSS_SELECTOR, ".reply-form"))
    wait_for(shop, ".flash")
    shop.look("merchant-case-replied")

    # The customer answers from the email's button.
    stack.deliver_mail()
    anna.driver.get(stack.link_in_last_mail("anna@example.com", contains="next=/cases/"))
    wait_for(anna, "#answer")
    anna.look("customer-answer-form")
    answers = [e.get_attribute("value") for e in anna.driver.find_elements(By.CSS_SELECTOR, "input[name=answer]")]
    assert answers == ["refund_received", "refund_not_received", "partial_refused"]
    anna.driver.find_element(By.CSS_SELECTOR, "label[for=answer-partial_refused]").click()
    form = anna.driver.find_element(By.CSS_SELECTOR, "#answer form")
    button = form.find_element(By.CSS_SELECTOR, "button[type=submit]")
    # The form is sent once: held back here so the page stays, the button is disabled.
    anna.driver.execute_script("arguments[0].addEventListener('submit', e => e.preventDefault())", form)
    button.click()
    WebDriverWait(anna.driver, 5).until(lambda d: button.get_attribute("disabled") is not None)
    anna.driver.execute_script("arguments[0].submit()", form)
    wait_for(anna, ".flash")
    anna.look("customer-case-escalated")

    # The agent: dashboard, queue, the case, a note, a decision.
    agent = browsers()
    agent.get(stack, "/service/login")
    agent.look("service-login")
    sign_in_staff(stack, agent, "/service/login", "agent@operator.example")
    wait_for(agent, ".stats")
    agent.look("service-dashboard")
    agent.get(stack, "/service/queue")
    wait_for(agent, "table.cases")
    agent.look("service-queue")
    agent.driver.find_element(By.CSS_SELECTOR, f"a[href='/service/cases/{case_id}']").click()
    wait_for(agent, ".service-actions")
    agent.look("service-case")
    agent.driver.find_element(By.ID, "note-text").send_keys("Checked the carrier: one parcel delivered.")
    submit(agent.driver.find_element(By.CSS_SELECTOR, ".note-panel form"))
    wait_for(agent, ".flash")
    assert "Checked the carrier" in agent.driver.page_source
    agent.driver.find_element(By.CSS_SELECTOR, "label[for=outcome-refund_by_merchant]").click()
    decision_amount = agent.driver.find_element(By.ID, "decision-amount")
    decision_amount.clear()
    decision_amount.send_keys("249.99")
    agent.driver.find_element(By.ID, "decision-text").send_keys("The shop refunds the full value.")
    submit(agent.driver.find_element(By.CSS_SELECTOR, "section.highlight form"))
    wait_for(agent, ".flash")
    agent.look("service-case-decided")
    assert "state-closed" in agent.driver.page_source

    # What the customer and the merchant see now; the note is not there.
    anna.get(stack, case_path)
    assert "Checked the carrier" not in anna.driver.page_source
    anna.look("customer-case-closed")
    shop.get(stack, f"/merchant/cases/{case_id}")
    assert "Checked the carrier" not in shop.driver.page_source

    # The rest of the staff pages.
    agent.get(stack, f"/service/shops/{stack.shop_id}")
    agent.look("service-shop")
    agent.get(stack, "/service/mail")
    agent.look("service-mail")
    agent.get(stack, "/settings")
    agent.look("settings")
    agent.get(stack, "/no/such/page")
    agent.look("not-found")


def test_a_return_pauses_the_customers_clock_until_the_shop_confirms_the_goods(stack, browsers):
    from selenium.webdriver.support.ui import Select

    protection = stack.register("WEB-RET-1", amount="120.00")
    anna = browsers()
    sign_in_customer(stack, anna, "anna@example.com")
    case_id = open_case(stack, anna, protection)

    shop = browsers()
    sign_in_staff(stack, shop, "/merchant/login", "staff@shop.example")
    shop.get(stack, f"/merchant/cases/{case_id}/reply")
    wait_for(shop, ".reply-form")
    shop.driver.find_element(By.CSS_SELECTOR, "label[for=refund-yes_after_return]").click()
    shop.driver.find_element(By.ID, "message-reply").send_keys("Please send the goods back; we refund on arrival.")
    submit(shop.driver.find_element(By.CSS_SELECTOR, ".reply-form"))
    wait_for(shop, ".flash")

    # The customer: the return step on the case page, then the paused clock.
    anna.get(stack, f"/cases/{case_id}")
    wait_for(anna, "#return")
    anna.look("customer-return-form")
    Select(anna.driver.find_element(By.ID, "return-carrier")).select_by_value("inpost")
    anna.driver.find_element(By.ID, "return-tracking").send_keys("6201 2345 AB")
    anna.driver.find_element(By.CSS_SELECTOR, "#return input[type=file]").send_keys(a_file("receipt.pdf", PDF + b"receipt"))
    submit(anna.driver.find_element(By.CSS_SELECTOR, "#return form"))
    wait_for(anna, ".flash")
    page = anna.driver.page_source
    assert "Your time to answer is paused" in page and "receipt.pdf" in page and "6201 2345 AB" in page
    assert not anna.driver.find_elements(By.ID, "return"), "the return is sent once"
    anna.look("customer-return-sent")

    # The shop confirms the goods from the case page.
    shop.get(stack, f"/merchant/cases/{case_id}")
    wait_for(shop, "#receipt")
    shop.look("merchant-return-receipt")
    shop.driver.find_element(By.CSS_SELECTOR, "label[for=received-yes]").click()
    submit(shop.driver.find_element(By.CSS_SELECTOR, "#receipt form"))
    wait_for(shop, ".flash")
    assert not shop.driver.find_elements(By.ID, "receipt")

    # The customer's days run again; the refund arrives and the case closes.
    anna.get(stack, f"/cases/{case_id}")
    wait_for(anna, "#answer")
    assert "Your time to answer is paused" not in anna.driver.page_source
    assert "Refund due by" in anna.driver.page_source
    anna.driver.find_element(By.CSS_SELECTOR, "label[for=answer-refund_received]").click()
    submit(anna.driver.find_element(By.CSS_SELECTOR, "#answer form"))
    wait_for(anna, ".flash")
    assert "state-closed" in anna.driver.page_source
    anna.look("customer-return-closed")


def test_forms_show_errors_beside_their_fields(stack, browsers):
    protection = stack.register("WEB-2001")
    shop = browsers()
    anna = browsers()
    anna.get(stack, "/login")
    anna.driver.find_element(By.ID, "email").send_keys("not an email")
    submit(anna.driver.find_element(By.CSS_SELECTOR, "main form"))
    wait_for(anna, ".field-error")
    assert anna.driver.find_element(By.ID, "email").get_attribute("aria-invalid") == "true"
    anna.look("customer-login-error")
    sign_in_staff(stack, shop, "/merchant/login", "staff@shop.example")
    wait_for(shop, "main h1")
    # A refused reply: the errors sit beside their fields, tied to them for screen readers.
    sign_in_customer(stack, anna, "anna@example.com")
    case_id = open_case(stack, anna, protection, option="refund_missing")
    shop.get(stack, f"/merchant/cases/{case_id}/reply")
    wait_for(shop, ".reply-form")
    shop.driver.find_element(By.CSS_SELECTOR, "label[for=refund-yes]").click()
    amount = shop.driver.find_element(By.ID, "amount")
    amount.clear()
    amount.send_keys("999")
    # Skip the browser's own check of the required message, as a user without it would.
    shop.driver.execute_script("document.querySelector('.reply-form').noValidate = true")
    submit(shop.driver.find_element(By.CSS_SELECTOR, ".reply-form"))
    wait_for(shop, ".field-error")
    shop.look("merchant-reply-errors")
    assert shop.driver.find_element(By.ID, "amount").get_attribute("aria-describedby").endswith("amount-error")
    assert shop.driver.find_element(By.ID, "message-reply").get_attribute("aria-invalid") == "true"
    assert shop.driver.find_element(By.ID, "amount").get_attribute("value") == "999", "what was typed is kept"


def test_without_javascript_the_amount_is_always_there_and_ignored_for_no(stack, browsers):
    protection = stack.register("WEB-3001")
    anna = browsers()
    sign_in_customer(stack, anna, "anna@example.com")
    case_id = open_case(stack, anna, protection)
    shop = browsers(javascript=False)
    sign_in_staff(stack, shop, "/merchant/login", "staff@shop.example")
    shop.get(stack, f"/merchant/cases/{case_id}/reply")
    shop.driver.find_element(By.CSS_SELECTOR, "label[for=refund-no]").click()
    assert shop.driver.find_element(By.CSS_SELECTOR, ".amount-field").is_displayed()
    shop.driver.find_element(By.ID, "message-reply").send_keys("The parcel is on its way.")
    submit(shop.driver.find_element(By.CSS_SELECTOR, ".reply-form"))
    wait_for(shop, ".flash")
    assert "No refund" in shop.driver.page_source


def test_keyboard_alone_reaches_and_sends_the_feedback_form(stack, browsers):
    from selenium.webdriver.common.keys import Keys
    protection = stack.register("WEB-4001")
    anna = browsers()
    anna.get(stack, "/login")
    form = anna.driver.find_element(By.CSS_SELECTOR, "main form")
    anna.driver.find_element(By.ID, "email").send_keys("anna@example.com", Keys.ENTER)
    WebDriverWait(anna.driver, 10).until(lambda driver: gone(form))
    stack.deliver_mail()
    anna.driver.get(stack.link_in_last_mail("anna@example.com"))
    anna.get(stack, f"/protections/{protection}")
    body = anna.driver.find_element(By.TAG_NAME, "body")
    # Tab to the first option, choose with the arrow keys, tab on and send.
    for _ in range(40):
        body = anna.driver.switch_to.active_element
        if body.get_attribute("name") == "option":
            break
        body.send_keys(Keys.TAB)
    assert body.get_attribute("name") == "option", "the options are reachable with Tab"
    outline = anna.driver.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus is visible"
    body.send_keys(Keys.ARROW_DOWN)
    assert anna.driver.switch_to.active_element.get_attribute("value") == "not_received"
    anna.driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for(anna, ".timeline")
    assert "/cases/" in anna.driver.current_url


def test_staff_find_a_case_with_the_search_box(stack, browsers):
    """The phone call about "order SRCH-7": the merchant types it into the Control
    Centre's search box and lands on the case; a prefix lists several; the agent finds
    the same cases and the shop by name from the queue's box."""
    customer = browsers()
    sign_in_customer(stack, customer, "search@example.com")
    opened = [open_case(stack, customer, stack.register(number, email_address="search@example.com"))
              for number in ("SRCH-7", "SRCH-8")]

    shop = browsers()
    sign_in_staff(stack, shop, "/merchant/login", "staff@shop.example")
    wait_for(shop, "form.search-form")
    box = shop.driver.find_element(By.ID, "search-q")
    box.send_keys("SRCH-7")
    submit(shop.driver.find_element(By.CSS_SELECTOR, "form.search-form"))
    wait_for(shop, ".timeline")
    assert shop.driver.current_url.endswith(f"/merchant/cases/{opened[0]}")
    shop.get(stack, "/merchant/search?q=SRCH")
    wait_for(shop, "table.cases")
    shop.look("merchant-search")
    links = {a.get_attribute("href").rsplit("/", 1)[1] for a in shop.driver.find_elements(By.CSS_SELECTOR, "table.cases td a")}
    assert set(opened) <= links

    agent = browsers()
    sign_in_staff(stack, agent, "/service/login", "agent@operator.example")
    agent.get(stack, "/service/queue")
    wait_for(agent, "form.search-form")
    agent.driver.find_element(By.ID, "search-q").send_keys("SRCH")
    submit(agent.driver.find_element(By.CSS_SELECTOR, "form.search-form"))
    wait_for(agent, "table.cases")
    agent.look("service-search")
    agent.get(stack, "/service/search?q=nothing-like-this")
    wait_for(agent, "p.empty")
    agent.look("service-search-nothing")


def test_the_export_form_downloads_nothing_until_its_days_are_right(stack, browsers):
    shop = browsers()
    sign_in_staff(stack, shop, "/merchant/login", "staff@shop.example")
    wait_for(shop, "form.search-form")
    shop.driver.find_element(By.CSS_SELECTOR, "a[href^='/merchant/export']").click()
    wait_for(shop, "form.export-form")
    shop.look("merchant-export")
    # Days too far apart: the form again, the message beside the first day.
    shop.get(stack, "/merchant/export?download=1&from=2020-01-01&to=2026-11-30")
    wait_for(shop, ".field-error")
    assert "At most two years" in shop.driver.find_element(By.CSS_SELECTOR, ".field-error").text
    shop.look("merchant-export-errors")
    agent = browsers()
    sign_in_staff(stack, agent, "/service/login", "agent@operator.example")
    agent.get(stack, "/service/export")
    wait_for(agent, "form.export-form")
    agent.look("service-export")


def test_the_shops_owner_adds_an_api_key_and_a_webhook_and_sees_each_secret_once(stack, browsers):
    stack.bp("admin", "create-user", "--role", "merchant", "--shop", stack.shop_id, "--email", "owner@shop.example", "--owner",
             stdin=PASSWORD + "\n")
    owner = browsers()
    sign_in_staff(stack, owner, "/merchant/login", "owner@shop.example")
    owner.get(stack, "/settings")
    owner.driver.find_element(By.CSS_SELECTOR, "a[href='/merchant/settings']").click()
    wait_for(owner, "#shop-emails")
    owner.look("merchant-settings")
    # A second API key, named; shown once.
    owner.driver.find_element(By.ID, "key-name").send_keys("ERP")
    submit(owner.driver.find_element(By.CSS_SELECTOR, "form[action='/merchant/settings/api-keys']"))
    wait_for(owner, "code.secret")
    assert owner.driver.find_element(By.CSS_SELECTOR, "code.secret").text.startswith("bpk_")
    owner.look("merchant-settings-new-key")
    owner.driver.find_element(By.CSS_SELECTOR, "a[href='/merchant/webhooks']").click()
    wait_for(owner, "#webhook-url")
    owner.look("merchant-webhooks")
    # No URL: the form again, the message beside the field, the events kept.
    submit(owner.driver.find_element(By.CSS_SELECTOR, "main form"))
    wait_for(owner, ".field-error")
    assert "Enter the endpoint" in owner.driver.find_element(By.CSS_SELECTOR, ".field-error").text
    owner.look("merchant-webhooks-errors")
    owner.driver.find_element(By.ID, "webhook-url").send_keys("https://8.8.8.8/hooks/buyer-protection")
    submit(owner.driver.find_element(By.CSS_SELECTOR, "main form"))
    wait_for(owner, "code.secret")
    assert owner.driver.find_element(By.CSS_SELECTOR, "code.secret").text.startswith("whsec_")
    owner.look("merchant-webhook")
    # Deleted again, so that no later test's case is sent to an address this machine cannot reach.
    submit(owner.driver.find_element(By.CSS_SELECTOR, "form[action$='/delete']"))
    wait_for(owner, "p.empty")
    # An admin reads what the owner did in the audit log.
    stack.bp("admin", "create-user", "--role", "agent", "--email", "admin@operator.example", "--admin", stdin=PASSWORD + "\n")
    admin = browsers()
    sign_in_staff(stack, admin, "/service/login", "admin@operator.example")
    admin.driver.find_element(By.CSS_SELECTOR, "a[href='/service/admin/audit']").click()
    wait_for(admin, "form.audit-filter")
    assert "Webhook deleted" in admin.driver.page_source
    admin.look("service-audit")
    admin.driver.find_element(By.CSS_SELECTOR, "a[href='/service/admin']").click()
    wait_for(admin, "#shop-name")
    admin.look("service-admin")


def test_the_case_file_prints_on_a4_with_page_numbers(stack, browsers):
    """The agent's case file, printed by Chromium (CDP Page.printToPDF honouring the
    stylesheet's @page): A4 pages, navigation left out."""
    import base64
    import re
    customer = browsers()
    sign_in_customer(stack, customer, "print@example.com")
    case_id = open_case(stack, customer, stack.register("PRINT-1", email_address="print@example.com"))
    customer.get(stack, f"/cases/{case_id}")
    customer.driver.find_element(By.CSS_SELECTOR, f"a[href='/cases/{case_id}/file']").click()
    wait_for(customer, ".case-file")
    customer.look("customer-case-file")
    agent = browsers()
    sign_in_staff(stack, agent, "/service/login", "agent@operator.example")
    agent.get(stack, f"/service/cases/{case_id}/file")
    wait_for(agent, ".case-file")
    agent.look("service-case-file")
    pdf = base64.b64decode(agent.driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": False})["data"])
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert boxes, "no pages in the PDF"
    for width, height in boxes:
        assert abs(float(width) - 595.3) < 2 and abs(float(height) - 841.9) < 2, f"not A4: {width} x {height}"


def test_the_api_reference_reads_on_a_phone(stack, browsers):
    reader = browsers()
    reader.get(stack, "/api/docs")
    wait_for(reader, ".api-docs section")
    reader.look("api-docs")


def test_a_forgotten_password_is_set_again_from_the_emailed_link(stack, browsers):
    shop = browsers()
    shop.get(stack, "/merchant/login")
    shop.driver.find_element(By.CSS_SELECTOR, "a[href='/merchant/forgot-password']").click()
    wait_for(shop, "main form")
    shop.look("forgot-password")
    shop.driver.find_element(By.ID, "email").send_keys("staff@shop.example")
    submit(shop.driver.find_element(By.CSS_SELECTOR, "main form"))
    stack.deliver_mail()
    shop.driver.get(stack.link_in_last_mail("staff@shop.example", contains="/password/reset/"))
    wait_for(shop, "#new-password")
    shop.driver.find_element(By.ID, "new-password").send_keys("Password2026!")
    submit(shop.driver.find_element(By.CSS_SELECTOR, "main form"))
    wait_for(shop, ".field-error")
    shop.look("reset-password-errors")
    shop.driver.find_element(By.ID, "new-password").send_keys("lantern orchard quietly hums")
    submit(shop.driver.find_element(By.CSS_SELECTOR, "main form"))
    wait_for(shop, "#password")
    assert "/merchant/login" in shop.driver.current_url
    # The browser suite's other tests sign in with the old password: put it back.
    shop.driver.find_element(By.ID, "email").send_keys("staff@shop.example")
    shop.driver.find_element(By.ID, "password").send_keys("lantern orchard quietly hums")
    submit(shop.driver.find_element(By.CSS_SELECTOR, "main form"))
    shop.get(stack, "/settings")
    wait_for(shop, "#current-password")
    shop.driver.find_element(By.ID, "current-password").send_keys("lantern orchard quietly hums")
    shop.driver.find_element(By.ID, "new-password").send_keys(PASSWORD)
    submit(shop.driver.find_element(By.CSS_SELECTOR, "#current-password").find_element(By.XPATH, "ancestor::form"))
    assert "done=password_changed" in shop.driver.current_url


def totp(secret, step):
    """RFC 6238 (HMAC-SHA1, 30 s, 6 digits), written here apart from the product's."""
    import hashlib
    import hmac
    import struct
    mac = hmac.new(secret, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def test_an_agent_sets_up_two_step_sign_in_from_the_qr_code_and_a_code_counts_once(stack, browsers):
    import base64
    import subprocess
    import time
    import urllib.parse
    email = "two-step@operator.example"
    stack.bp("admin", "create-user", "--role", "agent", "--email", email, stdin=PASSWORD + "\n")
    agent = browsers()
    sign_in_staff(stack, agent, "/service/login", email)
    agent.get(stack, "/settings")
    agent.driver.find_element(By.CSS_SELECTOR, "a[href='/settings/two-step']").click()
    wait_for(agent, "main form")
    agent.look("two-step-off")
    submit(agent.driver.find_element(By.CSS_SELECTOR, "main form"))
    qr = wait_for(agent, "svg.qr")
    agent.look("two-step-setup")
    # What a phone's camera reads: the QR code as drawn, decoded by zbar.
    picture = os.path.join(UPLOADS, "qr.png")
    with open(picture, "wb") as file:
        file.write(qr.screenshot_as_png)
    read = subprocess.run(["zbarimg", "--quiet", "--raw", picture], capture_output=True, text=True)
    assert read.returncode == 0, read.stderr
    uri = urllib.parse.urlparse(read.stdout.strip())
    assert uri.scheme == "otpauth" and uri.netloc == "totp"
    query = urllib.parse.parse_qs(uri.query)
    assert urllib.parse.unquote(uri.path).endswith(":" + email)
    assert query["digits"] == ["6"] and query["period"] == ["30"] and query["algorithm"] == ["SHA1"]
    shown = agent.driver.find_element(By.ID, "totp-secret").text.replace(" ", "")
    assert query["secret"] == [shown], "the QR code and the text carry the same secret"
    secret = base64.b32decode(shown + "=" * (-len(shown) % 8))
    step = int(time.time() // 30)
    agent.driver.find_element(By.ID, "code").send_keys(totp(secret, step))
    submit(agent.driver.find_element(By.ID, "code").find_element(By.XPATH, "ancestor::form"))
    wait_for(agent, "#recovery-codes")
    assert len(agent.driver.find_elements(By.CSS_SELECTOR, "#recovery-codes li code")) == 10
    agent.look("two-step-recovery-codes")

    # Signing in again: the password, then the next code.
    again = browsers()
    sign_in_staff(stack, again, "/service/login", email)
    wait_for(again, "#code")
    assert again.driver.current_url.endswith("/service/login/code")
    again.look("sign-in-code")
    code = totp(secret, step + 1)
    again.driver.find_element(By.ID, "code").send_keys(code)
    submit(again.driver.find_element(By.CSS_SELECTOR, "main form"))
    wait_for(again, ".site-nav")
    assert again.driver.current_url.endswith("/service")
    # The same code on another sign-in is refused.
    replay = browsers()
    sign_in_staff(stack, replay, "/service/login", email)
    wait_for(replay, "#code")
    replay.driver.find_element(By.ID, "code").send_keys(code)
    submit(replay.driver.find_element(By.CSS_SELECTOR, "main form"))
    wait_for(replay, "#code-error")
    assert "already used" in replay.driver.find_element(By.ID, "code-error").text
    assert replay.driver.current_url.endswith("/service/login/code")
    replay.look("sign-in-code-used")


def test_an_admin_creates_a_shop_whose_first_merchant_accepts_and_invites_a_colleague(stack, browsers):
    import re
    import urllib.error
    import urllib.request

    def api_status(key):
        request = urllib.request.Request(stack.base + "/api/v1/cases", headers={"Authorization": "Bearer " + key})
        try:
            return urllib.request.urlopen(request).status
        except urllib.error.HTTPError as error:
            return error.code

    stack.bp("admin", "create-user", "--role", "agent", "--email", "shops-admin@operator.example", "--admin", stdin=PASSWORD + "\n")
    admin = browsers()
    sign_in_staff(stack, admin, "/service/login", "shops-admin@operator.example")
    admin.get(stack, "/service/admin")
    wait_for(admin, "#shop-name")
    admin.driver.find_element(By.ID, "shop-name").send_keys("Sklep Nowy")
    admin.driver.find_element(By.ID, "shop-emails").send_keys("zamowienia@nowy.example")
    submit(admin.driver.find_element(By.ID, "shop-name").find_element(By.XPATH, "ancestor::form"))
    key = wait_for(admin, "code.secret").text
    assert key.startswith("bpk_") and api_status(key) == 200
    shop_id = admin.driver.find_element(By.CSS_SELECTOR, "#key-heading a").get_attribute("href").rsplit("/", 1)[1]
    admin.look("service-admin-new-shop")
    # Its first merchant, as its owner.
    admin.driver.find_element(By.ID, "invite-email").send_keys("owner@nowy.example")
    admin.driver.find_element(By.ID, "invite-shop").send_keys(shop_id)
    admin.driver.find_element(By.CSS_SELECTOR, "label[for=invite-owner]").click()
    submit(admin.driver.find_element(By.ID, "invite-email").find_element(By.XPATH, "ancestor::form"))
    assert "done=colleague_invited" in admin.driver.current_url
    # The merchant accepts: the emailed link sets the password, then they sign in.
    stack.deliver_mail()
    owner = browsers()
    owner.driver.get(stack.link_in_last_mail("owner@nowy.example", contains="/password/reset/"))
    wait_for(owner, "#new-password").send_keys("copper meadow lantern ninety")
    submit(owner.driver.find_element(By.CSS_SELECTOR, "main form"))
    wait_for(owner, "#password")
    owner.driver.find_element(By.ID, "email").send_keys("owner@nowy.example")
    owner.driver.find_element(By.ID, "password").send_keys("copper meadow lantern ninety")
    submit(owner.driver.find_element(By.CSS_SELECTOR, "main form"))
    owner.get(stack, "/merchant/settings")
    wait_for(owner, "#invite-email").send_keys("colleague@nowy.example")
    submit(owner.driver.find_element(By.ID, "invite-email").find_element(By.XPATH, "ancestor::form"))
    assert "done=colleague_invited" in owner.driver.current_url
    assert "colleague@nowy.example" in owner.driver.page_source
    stack.deliver_mail()
    assert "/password/reset/" in stack.link_in_last_mail("colleague@nowy.example", contains="/password/reset/")
    # A new key for the shop: the old one answers 401 at once.
    admin.get(stack, "/service/admin")
    row = admin.driver.find_element(By.XPATH, "//tr[td/a[normalize-space()='Sklep Nowy']]")
    submit(row.find_element(By.CSS_SELECTOR, "form[action$='/rotate-key']"))
    new_key = wait_for(admin, "code.secret").text
    assert new_key != key and api_status(key) == 401 and api_status(new_key) == 200
    # Every step is in the audit log.
    admin.get(stack, "/service/admin/audit")
    wait_for(admin, "form.audit-filter")
    text = admin.driver.find_element(By.CSS_SELECTOR, "main").text
    for words in ["Shop created", "User invited", "Password set from an emailed link", "API keys rotated"]:
        assert words in text, words
    assert len(re.findall("User invited", text)) >= 2


def test_a_forged_email_reply_waits_on_the_queue_until_an_agent_marks_it_done(stack, browsers):
    customer = browsers()
    sign_in_customer(stack, customer, "forged@example.com")
    open_case(stack, customer, stack.register("MAIL-1", email_address="forged@example.com"))
    stack.deliver_mail()
    address = stack.reply_to_last_mail("orders@shop.example")
    assert address.startswith("case+") and address.endswith("@reply.browser-tests.example")
    stack.bp("mail-in", stdin=(
        "From: Someone Else <someone@elsewhere.example>\n"
        f"To: {address}\n"
        "Subject: Re: your case\n"
        "Message-ID: <forged-browser@elsewhere.example>\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "Please refund to my other account instead.\n\n"
        "On Mon, 1 Dec 2026, Buyer Protection wrote:\n> quoted\n"))
    agent = browsers()
    sign_in_staff(stack, agent, "/service/login", "agent@operator.example")
    agent.get(stack, "/service/queue")
    wait_for(agent, "#mail-replies-heading")
    section = agent.driver.find_element(By.CSS_SELECTOR, ".mail-replies").text
    assert "someone@elsewhere.example" in section and "Please refund to my other account instead." in section
    assert "quoted" not in section
    agent.look("service-queue-mail-replies")
    submit(agent.driver.find_element(By.CSS_SELECTOR, ".mail-replies form"))
    assert "done=mail_reply_done" in agent.driver.current_url
    assert not agent.driver.find_elements(By.ID, "mail-replies-heading")
