//! The residents' pages, used the way a browser without JavaScript uses them: a linker registers
//! a resident through the form (with consent), finds them in their list, records a UCLA-3 and
//! sees the score, reads explained suggestions in Italian and in English, sends one by e-mail
//! and sets one aside; forms with errors come back with each message next to its field; other
//! linkers are refused; the public asks to be called without an account; a person keeps their
//! own profile; an administrator opens a file only through break glass.

use crate::activities::{at, draft, id_of, interest, next_weekday, Publisher};
use crate::helpers::*;
use chrono::Weekday;
use reqwest::{Client, Response};
use serde_json::json;

/// Decodes the entities askama writes, to look for plain sentences.
pub fn decode(html: &str) -> String {
    html_text(html)
        .replace("&#38;", "&")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#43;", "+")
}

/// A page, decoded; panics unless 200.
pub async fn page(app: &TestApp, client: &Client, path: &str) -> String {
    decode(&expect_page(app.get(client, path).await, 200).await)
}

/// Switches the client's language with the switcher in the header (a cookie, and the account's
/// setting when signed in).
pub async fn switch_to(app: &TestApp, client: &Client, lang: &str) {
    let resp = post(app, client, "/locale", &[("lang", lang), ("next", "/")]).await;
    expect_see_other(&resp);
}

/// Posts a form the way a browser does, with the CSRF token of the client's pages.
pub async fn post(app: &TestApp, client: &Client, path: &str, form: &[(&str, &str)]) -> Response {
    let csrf = app.page_csrf(client, "/").await;
    let mut pairs = vec![("_csrf", csrf.as_str())];
    pairs.extend_from_slice(form);
    app.post_form(client, path, &pairs).await
}

/// A signed-in, accredited linker.
pub async fn linker(app: &TestApp, admin: &Client, email: &str, name: &str) -> Client {
    let client = app.signup_verified_user(email, name, PASSWORD).await;
    expect_status(
        app.post_json(
            &client,
            "/api/v1/me/linker-request",
            &json!({"motivation": "Volontariato di quartiere"}),
        )
        .await,
        201,
    )
    .await;
    let uid = app.me_ok(&client).await["id"].as_i64().unwrap();
    expect_status(
        app.post_json(
            admin,
            &format!("/api/v1/admin/linkers/{uid}/decision"),
            &json!({"decision": "accredit"}),
        )
        .await,
        200,
    )
    .await;
    client
}

/// The resident id in a `/linker/residents/{id}…` location.
pub fn resident_id(location: &str) -> i64 {
    let rest = location
        .strip_prefix("/linker/residents/")
        .unwrap_or_else(|| panic!("not a resident's page: {location}"));
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no id in {location}"))
}

/// The error message of a field, checking that it sits inside the field's own box (right
/// before its control, or inside its fieldset), not only in the summary at the top.
pub fn field_error(html: &str, field: &str) -> String {
    let marker = format!("id=\"{field}-error\">");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no error next to {field} in\n{html}"));
    let start = at + marker.len();
    let text = html[start..start + html[start..].find("</p>").expect("end of the error")].trim();
    let before = &html[..at];
    let box_start = ["class=\"field\"", "class=\"field "]
        .iter()
        .filter_map(|m| before.rfind(m))
        .max()
        .expect("the field's box");
    let tag_start = html[..box_start].rfind('<').expect("the box's tag");
    let opening = &html[tag_start..box_start + html[box_start..].find('>').expect("tag end")];
    let after = &html[start..];
    let next_box = ["class=\"field\"", "class=\"field "]
        .iter()
        .filter_map(|m| after.find(m))
        .min()
        .unwrap_or(after.len());
    let own = format!("id=\"{field}\"");
    assert!(
        opening.contains(&own) || after[..next_box].contains(&own),
        "the error of {field} is not next to it:\n{opening}\n{}",
        &after[..next_box.min(600)]
    );
    assert!(
        html.contains(&format!("href=\"#{field}\"")),
        "the summary links to {field}"
    );
    text.to_string()
}

/// Registers Maria at the Duomo through the form; returns her id.
pub async fn register_maria(app: &TestApp, linker: &Client, extra: &[(&str, &str)]) -> i64 {
    let mut form = vec![
        ("display_name", "Maria"),
        ("locale", "it"),
        ("languages", "it"),
        ("home_latitude", "45,4642"),
        ("home_longitude", "9,19"),
        ("travel_radius_m", "1000"),
        ("budget", "none"),
        ("consents", "care"),
        ("consent_channel", "verbal"),
        ("consent_given_by", "resident"),
    ];
    form.extend_from_slice(extra);
    let resp = post(app, linker, "/linker/residents/new", &form).await;
    let to = expect_see_other(&resp);
    let id = resident_id(&to);
    assert_eq!(to, format!("/linker/residents/{id}?done=created"));
    id
}

both_backends! {
    async fn a_linker_registers_a_resident_through_the_form_finds_them_and_records_a_ucla_questionnaire(app) {
        let admin = app.admin_client().await;
        let giulia = linker(&app, &admin, "giulia@example.org", "Giulia").await;

        let form = page(&app, &giulia, "/linker/residents/new").await;
        assert!(form.contains("<h1>Registra una persona</h1>"), "{form}");
        assert!(form.contains(">DUOMO<"), "the neighbourhoods are offered");
        assert!(form.contains("name=\"availability\" value=\"tue_morning\""), "the week grid");
        assert!(form.contains("<span class=\"visually-hidden\">Martedì mattina</span>"), "each box of the grid has a label");
        assert!(form.contains("l'indirizzo esatto non viene mai conservato") || form.contains("L'indirizzo esatto non viene mai conservato"), "the home is explained");
        assert!(form.contains("name=\"consents\" value=\"care\""), "the consent block");
        assert!(!without_live_script(&form).contains("<script"), "no JavaScript needed");

        let resp = post(&app, &giulia, "/linker/residents/new", &[
            ("display_name", "Maria Rossi"),
            ("phone", "02 1234 5678"),
            ("locale", "it"),
            ("birth_year", "1948"),
            ("languages", "it"),
            ("languages", "es"),
            ("home_area", "1"),
            ("travel_radius_m", "1000"),
            ("availability", "tue_morning"),
            ("availability", "thu_afternoon"),
            ("budget", "free"),
            ("wants_company", "1"),
            ("consents", "care"),
            ("consents", "statistics"),
            ("consent_channel", "signed_paper"),
            ("consent_given_by", "resident"),
        ]).await;
        let to = expect_see_other(&resp);
        let id = resident_id(&to);
        assert_eq!(to, format!("/linker/residents/{id}?done=created"));

        let file = page(&app, &giulia, &to).await;
        for text in [
            "<h1>Maria Rossi</h1>",
            "La persona è registrata.",
            "02 1234 5678",
            "DUOMO",
            "italiano, spagnolo",
            "Martedì mattina, Giovedì pomeriggio",
            "Solo attività gratuite",
            "1948",
            "Modulo cartaceo firmato",
            "Accompagnamento dei linker",
            "Statistiche anonime",
            "Giulia",
            "Ancora nessun questionario registrato.",
            "Registrazione da parte di un linker",
        ] {
            assert!(file.contains(text), "{text:?} is missing from the file:\n{file}");
        }
        assert!(file.contains(&format!("href=\"/linker/residents/{id}/edit\"")), "a link to change the profile");
        assert!(file.contains(&format!("href=\"/linker/residents/{id}/suggestions\"")), "a link to the suggestions");

        let list = page(&app, &giulia, "/linker/residents").await;
        assert!(list.contains(&format!("<a href=\"/linker/residents/{id}\">Maria Rossi</a>")), "{list}");
        assert!(list.contains("Nessuno aspetta una chiamata."), "{list}");

        // An answer left out: the form comes back, the message next to the question, nothing kept.
        let q = format!("/linker/residents/{id}/questionnaires");
        let resp = post(&app, &giulia, &q, &[("instrument", "ucla3"), ("ucla_1", "3"), ("ucla_3", "2"), ("ucla_context", "intake")]).await;
        let html = decode(&expect_page(resp, 422).await);
        assert_eq!(field_error(&html, "ucla_2"), "Scegli una risposta.");
        assert!(html.contains("id=\"ucla_1-3\" name=\"ucla_1\" value=\"3\" checked"), "the answers given stay ticked");
        assert!(html.contains("Ancora nessun questionario registrato."), "nothing recorded");

        let resp = post(&app, &giulia, &q, &[("instrument", "ucla3"), ("ucla_1", "3"), ("ucla_2", "2"), ("ucla_3", "2"), ("ucla_context", "intake")]).await;
        let to = expect_see_other(&resp);
        assert_eq!(path_of(&to), format!("/linker/residents/{id}"));
        let file = page(&app, &giulia, &to).await;
        assert!(file.contains("Il questionario è registrato."), "{file}");
        assert!(file.contains("Punteggio 7 su 9"), "the score is shown:\n{file}");
        assert!(file.contains("al primo incontro"), "{file}");
        assert!(file.contains(">segnala solitudine</span>"), "7 out of 9 reads as lonely:\n{file}");

        // The ONS question: "hardly ever" is not lonely; it is a follow-up now by default.
        assert!(file.contains("id=\"ons_context-follow_up\" name=\"ons_context\" value=\"follow_up\" checked"), "{file}");
        let resp = post(&app, &giulia, &q, &[("instrument", "ons"), ("ons", "4"), ("ons_context", "follow_up")]).await;
        let file = page(&app, &giulia, &expect_see_other(&resp)).await;
        assert!(file.contains("Risposta: Quasi mai"), "{file}");
        assert!(file.contains(">non segnala solitudine</span>"), "{file}");
        assert!(file.contains("verifica successiva"), "{file}");

        // The same file in English.
        switch_to(&app, &giulia, "en").await;
        let en = page(&app, &giulia, &format!("/linker/residents/{id}")).await;
        assert!(en.contains("Score 7 out of 9") && en.contains("Answer: Hardly ever"), "{en}");
        assert!(en.contains("How often do you feel that you lack companionship?"), "{en}");
    }

    async fn a_form_with_errors_comes_back_with_each_message_next_to_its_field_and_nothing_is_saved(app) {
        let admin = app.admin_client().await;
        let giulia = linker(&app, &admin, "giulia@example.org", "Giulia").await;

        let resp = post(&app, &giulia, "/linker/residents/new", &[
            ("display_name", ""),
            ("phone", "02 1234"),
            ("home_latitude", "45,46"),
            ("travel_radius_m", "20000"),
            ("budget", "amount"),
            ("budget_amount", "tanti"),
            ("birth_year", "1800"),
        ]).await;
        let html = decode(&expect_page(resp, 422).await);
        assert!(html.contains("Controlla questi campi:"), "the error summary:\n{html}");
        assert!(!field_error(&html, "display_name").is_empty());
        assert_eq!(field_error(&html, "home_latitude"), "Scrivi un numero in gradi decimali (per esempio 45,4642).");
        assert_eq!(field_error(&html, "travel_radius_m"), "Scegli una distanza tra 500 m e 5 km.");
        assert_eq!(field_error(&html, "birth_year"), "Scrivi un anno tra il 1900 e dieci anni fa, oppure lascia vuoto.");
        assert!(!field_error(&html, "budget_cents").is_empty());
        assert!(field_error(&html, "consents").starts_with("Registra prima il consenso"), "care consent is required");
        assert!(html.contains("value=\"02 1234\""), "what was typed is kept");
        assert!(html.contains("value=\"tanti\""), "what was typed is kept");

        // A valid profile, but the consent says neither how nor by which representative.
        let resp = post(&app, &giulia, "/linker/residents/new", &[
            ("display_name", "Maria"),
            ("home_area", "1"),
            ("travel_radius_m", "1000"),
            ("consents", "care"),
            ("consent_given_by", "representative"),
        ]).await;
        let html = decode(&expect_page(resp, 422).await);
        assert_eq!(field_error(&html, "consent_channel"), "Indica come è stato dato il consenso.");
        assert_eq!(field_error(&html, "representative_name"), "Scrivi il nome e il ruolo del rappresentante legale.");
        assert!(html.contains("id=\"consents-care\" name=\"consents\" value=\"care\" checked"), "the ticks are kept");

        // In English too.
        switch_to(&app, &giulia, "en").await;
        let resp = post(&app, &giulia, "/linker/residents/new", &[("display_name", "Maria"), ("travel_radius_m", "1000"), ("consents", "care"), ("consent_channel", "verbal")]).await;
        let html = decode(&expect_page(resp, 422).await);
        assert!(html.contains("<h1>Register a resident</h1>"), "{html}");
        assert_eq!(field_error(&html, "home_area"), "Say roughly where the person lives: a point on the map or their neighbourhood.");

        let list = page(&app, &giulia, "/linker/residents").await;
        assert!(list.contains("You do not follow anyone yet"), "nothing was saved:\n{list}");
        let api = expect_status(app.get(&giulia, "/api/v1/residents").await, 200).await;
        assert_eq!(api.as_array().unwrap().len(), 0, "{api}");
    }

    async fn another_linker_is_refused_the_file_and_only_linkers_see_the_lists(app) {
        let admin = app.admin_client().await;
        let giulia = linker(&app, &admin, "giulia@example.org", "Giulia").await;
        let marco = linker(&app, &admin, "marco@example.org", "Marco").await;
        let id = register_maria(&app, &giulia, &[]).await;

        let resp = app.get(&marco, &format!("/linker/residents/{id}")).await;
        let html = decode(&expect_page(resp, 403).await);
        assert!(html.contains("Non sei tra i linker di questa persona"), "{html}");
        assert!(!html.contains("Maria"), "nothing of the file shows");
        expect_page(app.get(&marco, &format!("/linker/residents/{id}/suggestions")).await, 403).await;
        expect_page(app.get(&marco, &format!("/linker/residents/{id}/edit")).await, 403).await;
        let resp = post(&app, &marco, &format!("/linker/residents/{id}/questionnaires"), &[("instrument", "ons"), ("ons", "1")]).await;
        expect_page(resp, 403).await;
        let list = page(&app, &marco, "/linker/residents").await;
        assert!(!list.contains("Maria"), "Marco's list has only his own residents:\n{list}");

        // Not a linker: the lists and the form are refused in words.
        let plain = app.signup_verified_user("piero@example.org", "Piero", PASSWORD).await;
        let html = decode(&expect_page(app.get(&plain, "/linker/residents").await, 403).await);
        assert!(html.contains("Solo i linker accreditati possono farlo."), "{html}");
        expect_page(app.get(&plain, "/linker/residents/new").await, 403).await;
        // Signed out: to the sign-in page, and back afterwards.
        let resp = app.get(&app.client(), "/linker/residents").await;
        assert_eq!(expect_see_other(&resp), "/signin?next=%2Flinker%2Fresidents");
    }

    async fn suggestions_explain_each_choice_in_italian_and_english_and_can_be_mailed_or_set_aside(app) {
        let admin = app.admin_client().await;
        let giulia = linker(&app, &admin, "giulia@example.org", "Giulia").await;
        let publisher = Publisher::new(&app, "orti@example.org", "Orti di Brera").await;
        let garden = interest(&app, "urban-garden").await;
        let mut body = draft("Orto in compagnia", at(next_weekday(Weekday::Tue), 10, 0), "FREQ=WEEKLY;BYDAY=TU", &[garden]);
        body["low_barrier"] = json!(["welcomer"]);
        let activity = publisher.create(&app, &body).await;
        let aid = id_of(&activity);
        let session = activity["sessions"][0]["id"].as_i64().unwrap();
        let garden_text = garden.to_string();
        let id = register_maria(&app, &giulia, &[("interests", garden_text.as_str()), ("availability", "tue_morning")]).await;
        let list = page(&app, &giulia, "/linker/residents").await;
        assert!(list.contains(&format!("<a href=\"/linker/residents/{id}\">Maria</a></td>\n        <td data-label=\"Quartiere\">DUOMO</td>")), "a point is shown as its neighbourhood:\n{list}");

        let base = format!("/linker/residents/{id}/suggestions");
        let sheet = page(&app, &giulia, &base).await;
        for text in [
            "<h1>Attività per Maria</h1>",
            "Orto in compagnia",
            "Orti di Brera",
            "Piazza del Duomo",
            "10:00–11:30",
            "Perché questa",
            "da casa",
            "Ti piace: Orti urbani e giardinaggio",
            "Martedì mattina, quando sei libero",
            "Qualcuno accoglie chi arriva per la prima volta",
            "Gratuito",
        ] {
            assert!(sheet.contains(text), "{text:?} is missing from the suggestions:\n{sheet}");
        }
        assert!(sheet.contains(&format!("href=\"{}/sessions/{session}\"", app.address)), "the session's page, with a full address for the printed sheet");
        assert!(sheet.contains("Martedì "), "the day in words");
        // On paper: the print stylesheet leaves out forms, and the linker's box is marked for it.
        assert!(sheet.contains("media=\"print\""));
        assert!(sheet.contains("<section class=\"organizer\""), "{sheet}");

        switch_to(&app, &giulia, "en").await;
        let en = page(&app, &giulia, &base).await;
        for text in ["Activities for Maria", "Why this one", "from home", "You like: Urban gardens and gardening", "Tuesday morning, when you're free", "Someone welcomes newcomers", "Tuesday "] {
            assert!(en.contains(text), "{text:?} is missing from the English suggestions:\n{en}");
        }

        switch_to(&app, &giulia, "it").await;

        // Sending needs consent to reminders…
        let session_text = session.to_string();
        let send = format!("{base}/send");
        let resp = post(&app, &giulia, &send, &[("session_id", session_text.as_str())]).await;
        let html = decode(&expect_page(resp, 409).await);
        assert!(html.contains("L'e-mail non è stata inviata"), "{html}");
        assert!(html.contains("Questa persona non ha accettato di ricevere messaggi"), "{html}");
        assert!(html.contains("Orto in compagnia"), "the suggestions are still there");

        let resp = post(&app, &giulia, &format!("/linker/residents/{id}/consents"), &[("purpose", "reminders"), ("channel", "verbal")]).await;
        let file = page(&app, &giulia, &expect_see_other(&resp)).await;
        assert!(file.contains("Il consenso è registrato.") && file.contains("Promemoria per e-mail"), "{file}");

        // …and an e-mail address.
        let resp = post(&app, &giulia, &send, &[("session_id", session_text.as_str())]).await;
        let html = decode(&expect_page(resp, 409).await);
        assert!(html.contains("Nella scheda di questa persona non c'è un indirizzo e-mail."), "{html}");

        // The edit form comes filled in; the e-mail is added and the coarse home kept.
        let edit = page(&app, &giulia, &format!("/linker/residents/{id}/edit")).await;
        assert!(edit.contains("value=\"Maria\""), "{edit}");
        assert!(edit.contains(&format!("id=\"interests-{garden}\" name=\"interests\" value=\"{garden}\" checked")), "{edit}");
        assert!(edit.contains("id=\"availability-tue_morning\" name=\"availability\" value=\"tue_morning\" checked"), "{edit}");
        assert!(edit.contains("id=\"keep_cell\" name=\"keep_cell\" value=\"1\" checked"), "{edit}");
        let cell = attribute_of_tag_with(&edit, "name=\"home_cell\"", "value").expect("the stored cell travels with the form");
        let resp = post(&app, &giulia, &format!("/linker/residents/{id}/edit"), &[
            ("display_name", "Maria"),
            ("email", "maria@example.org"),
            ("locale", "it"),
            ("languages", "it"),
            ("interests", garden_text.as_str()),
            ("home_cell", cell.as_str()),
            ("keep_cell", "1"),
            ("travel_radius_m", "1000"),
            ("availability", "tue_morning"),
            ("budget", "none"),
        ]).await;
        let to = expect_see_other(&resp);
        assert_eq!(to, format!("/linker/residents/{id}?done=saved"));
        let file = page(&app, &giulia, &to).await;
        assert!(file.contains("maria@example.org"), "{file}");
        assert!(file.contains("DUOMO (una cella di quartiere di circa 0,7 km²)"), "the coarse home is kept, named by its neighbourhood:\n{file}");

        let resp = post(&app, &giulia, &send, &[("session_id", session_text.as_str())]).await;
        assert_eq!(expect_see_other(&resp), format!("{base}?done=sent"));
        app.wait_for_mail_containing("maria@example.org", "Orto in compagnia").await;
        assert!(page(&app, &giulia, &format!("{base}?done=sent")).await.contains("L'attività è stata inviata per e-mail."));

        // "Not for them": set aside, with a reason.
        let aid_text = aid.to_string();
        let resp = post(&app, &giulia, &format!("{base}/dismissals"), &[("activity_id", aid_text.as_str()), ("reason", "Non le piace sporcarsi le mani")]).await;
        let to = expect_see_other(&resp);
        assert_eq!(to, format!("{base}?done=dismissed"));
        assert!(page(&app, &giulia, &to).await.contains("Messa da parte"));
    }

    async fn anyone_can_ask_to_be_called_without_an_account_and_a_linker_takes_them_on(app) {
        let anon = app.client();
        let home = page(&app, &anon, "/").await;
        assert!(home.contains("href=\"/ask-to-be-called\""), "the menu offers it");
        let form = page(&app, &anon, "/ask-to-be-called").await;
        assert!(form.contains("<h1>Fatti chiamare</h1>") && form.contains("name=\"consent_care\""), "{form}");
        assert!(form.contains("Puoi chiedere di ritirarti in qualsiasi momento"), "the consent in plain words");
        assert!(!without_live_script(&form).contains("<script"));

        let resp = post(&app, &anon, "/ask-to-be-called", &[("first_name", "Rosa"), ("phone", ""), ("home_area", "2")]).await;
        let html = decode(&expect_page(resp, 422).await);
        assert_eq!(field_error(&html, "phone"), "Questo campo è obbligatorio.");
        assert!(field_error(&html, "consent_care").starts_with("Registra prima il consenso"), "{html}");
        assert!(html.contains("value=\"Rosa\""), "the name is kept");

        let resp = post(&app, &anon, "/ask-to-be-called", &[("first_name", "Rosa"), ("phone", "+39 333 123 4567"), ("home_area", "2"), ("consent_care", "1")]).await;
        let to = expect_see_other(&resp);
        assert_eq!(to, "/ask-to-be-called/thanks");
        assert!(page(&app, &anon, &to).await.contains("Grazie. Un linker ti chiamerà presto."));

        let admin = app.admin_client().await;
        let giulia = linker(&app, &admin, "giulia@example.org", "Giulia").await;
        let list = page(&app, &giulia, "/linker/residents").await;
        let waiting = &list[list.find("In attesa di una chiamata").expect("the waiting list")..];
        assert!(waiting.contains("Rosa") && waiting.contains("BRERA"), "{list}");
        assert!(!waiting.contains("333 123 4567"), "the waiting list shows no phone numbers");
        let marker = "action=\"/linker/residents/";
        let at = waiting.find(marker).expect("a take-on button") + marker.len();
        let id = resident_id(&format!("/linker/residents/{}", &waiting[at..]));

        let resp = post(&app, &giulia, &format!("/linker/residents/{id}/take"), &[]).await;
        let to = expect_see_other(&resp);
        assert_eq!(to, format!("/linker/residents/{id}?done=taken"));
        let file = page(&app, &giulia, &to).await;
        for text in ["<h1>Rosa</h1>", "Ora segui questa persona", "+39 333 123 4567", "Richiesta di essere chiamati", "BRERA"] {
            assert!(file.contains(text), "{text:?} is missing:\n{file}");
        }
        let list = page(&app, &giulia, "/linker/residents").await;
        assert!(list.contains("Nessuno aspetta una chiamata.") && list.contains(&format!("<a href=\"/linker/residents/{id}\">Rosa</a>")), "{list}");

        // Someone else is too late.
        let marco = linker(&app, &admin, "marco@example.org", "Marco").await;
        let resp = post(&app, &marco, &format!("/linker/residents/{id}/take"), &[]).await;
        let html = decode(&expect_page(resp, 409).await);
        assert!(html.contains("Un altro linker ha già preso in carico questa persona."), "{html}");
    }

    async fn a_signed_in_person_creates_their_own_profile_and_withdraws_a_consent(app) {
        let lia = app.signup_verified_user("lia@example.org", "Lia", PASSWORD).await;
        let account = page(&app, &lia, "/account").await;
        assert!(account.contains("href=\"/me/profile\""), "the account page links to the profile");

        let form = page(&app, &lia, "/me/profile").await;
        assert!(form.contains("<h1>Crea il mio profilo</h1>"), "{form}");
        assert!(form.contains("name=\"consents\" value=\"statistics\""), "online consents");
        assert!(!form.contains("name=\"consent_channel\""), "no channel: it is online, by the person");

        let resp = post(&app, &lia, "/me/profile", &[("display_name", "Lia"), ("home_area", "1")]).await;
        let html = decode(&expect_page(resp, 422).await);
        assert_eq!(field_error(&html, "travel_radius_m"), "Scegli una distanza tra 500 m e 5 km.");

        let resp = post(&app, &lia, "/me/profile", &[
            ("display_name", "Lia"),
            ("email", "lia@example.org"),
            ("home_area", "1"),
            ("travel_radius_m", "2000"),
            ("consents", "statistics"),
            ("consents", "reminders"),
        ]).await;
        let to = expect_see_other(&resp);
        assert_eq!(to, "/me/profile?done=created");
        let mine = page(&app, &lia, &to).await;
        for text in ["<h1>Il mio profilo</h1>", "Attività per te", "Statistiche anonime", "Promemoria per e-mail", "DUOMO", "2 km", "Iscrizione in autonomia"] {
            assert!(mine.contains(text), "{text:?} is missing:\n{mine}");
        }
        assert!(mine.contains("Accompagnamento di un linker"), "follow-up can still be given");

        let resp = post(&app, &lia, "/me/profile/consents/withdrawal", &[("purpose", "statistics")]).await;
        let to = expect_see_other(&resp);
        assert_eq!(path_of(&to), "/me/profile");
        let mine = page(&app, &lia, &to).await;
        assert!(mine.contains("Il consenso è ritirato.") && mine.contains(">ritirato</span>"), "{mine}");

        let resp = post(&app, &lia, "/me/profile", &[("display_name", "Lia"), ("home_area", "1"), ("travel_radius_m", "1000")]).await;
        let html = decode(&expect_page(resp, 409).await);
        assert!(html.contains("Hai già un profilo."), "{html}");
    }

    async fn an_administrator_opens_a_file_only_with_a_recorded_reason_and_only_to_read_it(app) {
        let admin = app.admin_client().await;
        let giulia = linker(&app, &admin, "giulia@example.org", "Giulia").await;
        let id = register_maria(&app, &giulia, &[]).await;
        let path = format!("/linker/residents/{id}");

        let html = decode(&expect_page(app.get(&admin, &path).await, 403).await);
        assert!(html.contains("Accesso di emergenza") && html.contains(&format!("action=\"{path}/break-glass\"")), "{html}");
        assert!(!html.contains("Maria"), "nothing of the file yet");

        let resp = post(&app, &admin, &format!("{path}/break-glass"), &[("reason", "breve")]).await;
        let html = decode(&expect_page(resp, 422).await);
        assert_eq!(field_error(&html, "reason"), "Scrivi perché devi aprire questa scheda (almeno 10 caratteri).");

        let resp = post(&app, &admin, &format!("{path}/break-glass"), &[("reason", "Richiesta di accesso ai dati dell'interessata")]).await;
        let to = expect_see_other(&resp);
        let file = page(&app, &admin, &to).await;
        assert!(file.contains("<h1>Maria</h1>") && file.contains("in sola lettura"), "{file}");
        assert!(file.contains("Richiesta di accesso ai dati dell'interessata"), "the reason is shown");
        assert!(!file.contains(&format!("href=\"{path}/edit\"")) && !file.contains("name=\"instrument\""), "no forms to change it:\n{file}");
    }
}

/// A page without the live-updates module every page loads (it only enhances).
fn without_live_script(html: &str) -> String {
    html.replace(
        r#"<script type="module" src="/static/js/live.js"></script>"#,
        "",
    )
}
