"""The collection dialogue on text, driven by a scripted NLU: every intent, identity first,
re-prompts, barge-in and DTMF."""
from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from campaigns.outcomes.report import Intent, OutcomeKind
from voicebot.conversation import BotReply, Conversation
from voicebot.dialogue import CollectionDialogue, PaymentDetails, Stage, load_phrases
from voicebot.dialogue.context import DebtorContext
from voicebot.dialogue.machine import MAX_TURNS
from voicebot.dialogue.phrases import PHRASES_FILE
from voicebot.russian import Case, date_in_words

from tests.voicebot.scripted import AMOUNT_WORDS, CONTEXT, EVENING, FRIDAY, NOW, SAMPLES, ScriptedParser

# Nothing of these may reach anyone who has not confirmed being the debtor.
DISCLOSING = ("долг", "задолж", "рубл", "копе", "оплат", "реквизит", "счёт", "пени", "суд")


def dialogue(context: DebtorContext = CONTEXT) -> CollectionDialogue:
    return CollectionDialogue(context, ScriptedParser())


async def talk(*lines: str, context: DebtorContext = CONTEXT) -> tuple[CollectionDialogue, list[BotReply]]:
    """Open a call and say ``lines`` in turn (``#1`` presses a key); every bot reply, in order."""
    bot = dialogue(context)
    replies = [await bot.open(NOW)]
    for line in lines:
        if line.startswith("#"):
            replies.append(await bot.key(line[1:], NOW))
        else:
            replies.append(await bot.hear(line, NOW))
    return bot, replies


def assert_discloses_nothing(replies: list[BotReply]) -> None:
    for reply in replies:
        lowered = reply.text.lower()
        assert not any(word in lowered for word in DISCLOSING), reply.text


def test_the_dialogue_is_a_conversation() -> None:
    bot: Conversation = dialogue()
    assert bot.outcome(hung_up_by_debtor=True).identity_confirmed is None


async def test_greeting_introduces_an_automated_call_from_the_creditor_and_asks_identity() -> None:
    bot, [greeting] = await talk()
    assert "автоматический звонок" in greeting.text
    assert "ООО «УК Тест»" in greeting.text
    assert "Иванов Иван Петрович" in greeting.text
    assert "нажмите единицу" in greeting.text
    assert not greeting.hang_up
    assert bot.stage == Stage.IDENTITY
    assert_discloses_nothing([greeting])


@pytest.mark.parametrize("confirm", ["да это я", "#1"])
async def test_confirmed_debtor_hears_the_amount_in_words(confirm: str) -> None:
    bot, [_, disclosure] = await talk(confirm)
    assert disclosure.text.startswith("Спасибо, Иван Петрович.")
    assert AMOUNT_WORDS in disclosure.text
    # The question, then the keys for a debtor the recogniser does not understand.
    assert "Когда вы сможете оплатить задолженность? Чтобы назвать срок оплаты, нажмите единицу." \
        in disclosure.text
    assert disclosure.text.endswith("Чтобы поговорить с менеджером, нажмите ноль.")
    assert bot.stage == Stage.DEBT
    report = bot.outcome(hung_up_by_debtor=True)
    assert report.identity_confirmed is True
    assert report.intents == (Intent.AFFIRM,)
    assert report.transcript[1].text == ("да это я" if confirm == "да это я" else "(нажата клавиша 1)")


@pytest.mark.parametrize("utterance", sorted(set(SAMPLES) - {"да это я"}))
async def test_nothing_is_disclosed_before_identity_whatever_is_said(utterance: str) -> None:
    bot, replies = await talk(utterance)
    assert_discloses_nothing(replies)
    assert bot.outcome(hung_up_by_debtor=True).identity_confirmed is False


async def test_a_pressed_key_other_than_one_does_not_confirm() -> None:
    bot, replies = await talk("#5", "#9", "#0")
    assert_discloses_nothing(replies)
    assert replies[1].text.startswith("Извините, я вас не расслышала. Скажите, пожалуйста, вы Иванов")
    assert replies[-1].hang_up
    assert bot.outcome(hung_up_by_debtor=False).identity_confirmed is False


async def test_key_two_before_identity_is_a_wrong_number_and_discloses_nothing() -> None:
    bot, replies = await talk("#2")
    assert_discloses_nothing(replies)
    assert replies[-1].text.startswith("Извините, видимо, мы ошиблись номером.") and replies[-1].hang_up
    report = bot.outcome(hung_up_by_debtor=False)
    assert report.intents == (Intent.WRONG_PERSON,) and report.identity_confirmed is False


@pytest.mark.parametrize(("key", "intent", "fragment"), [
    ("2", Intent.ALREADY_PAID, "Мы проверим поступление оплаты."),
    ("3", Intent.DISPUTE, "Ваше несогласие записано"),
    ("0", Intent.REQUEST_OPERATOR, "менеджер ООО «УК Тест» перезвонит вам"),
])
async def test_the_key_menu_after_disclosure_ends_the_call_as_the_words_would(
        key: str, intent: Intent, fragment: str) -> None:
    bot, replies = await talk("#1", f"#{key}")
    assert fragment in replies[-1].text and replies[-1].hang_up
    report = bot.outcome(hung_up_by_debtor=False)
    assert report.intents == (Intent.AFFIRM, intent) and report.identity_confirmed is True


async def test_a_promise_by_keys_takes_the_days_keyed_and_a_confirmation() -> None:
    bot, replies = await talk("#1", "#1", "#5", "#1")
    assert "наберите на телефоне, через сколько дней оплатите" in replies[2].text
    pay_by = NOW.date() + timedelta(days=5)
    assert date_in_words(pay_by, Case.GENITIVE) in replies[3].text
    assert "Если да, нажмите единицу" in replies[3].text
    assert replies[-1].text.startswith("Спасибо! Ваше обещание оплатить") and replies[-1].hang_up
    report = bot.outcome(hung_up_by_debtor=False)
    assert report.promise_date == pay_by
    assert report.intents == (Intent.AFFIRM, Intent.PROMISE_TO_PAY, Intent.PROMISE_TO_PAY,
                              Intent.AFFIRM)


async def test_a_promise_keyed_then_denied_asks_for_the_date_again() -> None:
    bot, replies = await talk("#1", "#1", "#5", "#2")
    assert replies[-1].text.startswith("Назовите, пожалуйста, дату") and not replies[-1].hang_up
    assert bot.outcome(hung_up_by_debtor=True).promise_date is None


async def test_questions_before_identity_are_answered_with_the_identity_question() -> None:
    bot, replies = await talk("сколько я должен", "за что долг", "как оплатить")
    assert_discloses_nothing(replies)
    assert replies[1].text.startswith("Сначала мне нужно убедиться")
    assert "Иванов Иван Петрович" in replies[1].text
    # The third evasion in a row ends the call, still without a word about the debt.
    assert replies[-1].hang_up
    assert bot.stage == Stage.ENDED


async def test_who_is_calling_before_identity_names_only_the_creditor() -> None:
    bot, replies = await talk("а кто звонит", "да это я")
    assert_discloses_nothing(replies[:2])
    assert "ООО «УК Тест»" in replies[1].text and "автоматический звонок" in replies[1].text
    assert AMOUNT_WORDS in replies[2].text


async def test_wrong_person_apologises_and_ends_without_disclosure() -> None:
    bot, replies = await talk("вы ошиблись номером")
    assert_discloses_nothing(replies)
    assert replies[-1].hang_up and "Извините" in replies[-1].text
    report = bot.outcome(hung_up_by_debtor=False)
    assert report.intents == (Intent.WRONG_PERSON,)
    assert report.identity_confirmed is False
    assert not report.speaks_for_debtor
    with pytest.raises(RuntimeError):
        await bot.hear("сколько я должен", NOW)


async def test_wrong_person_after_confirming_binds_no_one() -> None:
    bot, replies = await talk("да это я", "заплачу в пятницу", "вы ошиблись номером")
    assert replies[-1].hang_up
    assert AMOUNT_WORDS not in replies[-1].text
    report = bot.outcome(hung_up_by_debtor=False)
    assert report.identity_confirmed is False
    assert report.promise_date is None
    assert report.intents[-1] == Intent.WRONG_PERSON


async def test_someone_else_is_asked_to_fetch_the_debtor_who_then_confirms() -> None:
    bot, replies = await talk("нет", "да это я", "ээ ну это", "да это я")
    assert_discloses_nothing(replies[:4])
    assert "Пригласите, пожалуйста, к телефону: Иванов Иван Петрович" in replies[1].text
    assert "подожду" in replies[2].text
    # The debtor picks up with an "алло" the NLU cannot place: the identity question again.
    assert "вы Иванов Иван Петрович" in replies[3].text
    assert AMOUNT_WORDS in replies[4].text
    assert bot.outcome(hung_up_by_debtor=True).identity_confirmed is True


async def test_fetching_the_debtor_heard_as_a_call_back_request_keeps_waiting() -> None:
    bot, replies = await talk("нет", "сейчас позову", "да это я")
    assert "подожду" in replies[2].text
    assert AMOUNT_WORDS in replies[3].text


async def test_a_second_no_after_waiting_lets_them_go() -> None:
    bot, replies = await talk("нет", "сейчас позову", "нет")
    assert_discloses_nothing(replies)
    assert replies[-1].hang_up and "Извините за беспокойство" in replies[-1].text


async def test_a_time_to_call_back_from_someone_else_ends_the_call() -> None:
    bot, replies = await talk("нет", "перезвоните вечером")
    assert_discloses_nothing(replies)
    assert replies[-1].hang_up
    assert bot.outcome(hung_up_by_debtor=False).callback_at is None


async def test_someone_else_who_cannot_fetch_the_debtor_is_let_go() -> None:
    bot, replies = await talk("нет", "нет")
    assert_discloses_nothing(replies)
    assert replies[-1].hang_up
    report = bot.outcome(hung_up_by_debtor=False)
    # Not a wrong number: a relative answered, so the phone stays valid.
    assert Intent.WRONG_PERSON not in report.intents
    assert report.identity_confirmed is False
    assert not report.listened_to_end


async def test_callback_before_identity_ends_without_disclosure() -> None:
    _, replies = await talk("перезвоните вечером")
    assert_discloses_nothing(replies)
    assert replies[-1].hang_up


ANSWERS = [
    # (what the debtor says after confirming, a fragment of the reply, whether the bot hangs up)
    ("сколько я должен", f"Сумма задолженности — {AMOUNT_WORDS}.", False),
    ("за что долг", "Задолженность с ноября две тысячи двадцать пятого года по январь две тысячи "
                    "двадцать шестого года, по услугам: отопление и горячая вода.", False),
    ("как оплатить", "БИК ноль четыре четыре пять два пять два два пять", False),
    ("а кто звонит", "Это автоматический звонок от ООО «УК Тест» по поводу задолженности", False),
    ("заплачу в пятницу", "вы оплатите задолженность до четвёртого декабря?", False),
    ("заплачу", "Назовите, пожалуйста, дату", False),
    ("я не согласен с начислениями", "С вами свяжется юрист ООО «УК Тест»", True),
    ("перезвоните вечером", "мы перезвоним сегодня в девятнадцать часов", True),
    ("перезвоните позже", "Когда вам удобно, чтобы мы перезвонили?", False),
    ("не звоните мне больше", "Ваш отказ от звонков записан", True),
    ("соедините с оператором", "менеджер ООО «УК Тест» перезвонит вам", True),
    ("можно в рассрочку", "Мы можем предложить вам рассрочку платежа", True),
    ("денег нет совсем", "Мы можем предложить вам рассрочку платежа", True),
    ("я уже заплатил", "Мы проверим поступление оплаты", True),
    ("не буду платить", "задолженность может быть взыскана через суд", False),
    ("нет", "задолженность может быть взыскана через суд", False),
    ("да это я", "Назовите, пожалуйста, дату", False),
    ("ээ ну это", "Извините, я вас не расслышала. Когда вы сможете оплатить задолженность?", False),
    ("пятнадцатого", "вы оплатите задолженность до пятнадцатого декабря?", False),
    ("вы ошиблись номером", "мы ошиблись номером", True),
]


def test_every_intent_has_an_answer_after_identity() -> None:
    assert {SAMPLES[line].intent for line, _, _ in ANSWERS} == set(Intent)


@pytest.mark.parametrize(("line", "fragment", "hang_up"), ANSWERS)
async def test_answers_after_identity(line: str, fragment: str, hang_up: bool) -> None:
    bot, replies = await talk("да это я", line)
    assert fragment in replies[-1].text
    assert replies[-1].hang_up is hang_up
    report = bot.outcome(hung_up_by_debtor=not hang_up)
    assert report.kind == OutcomeKind.ANSWERED
    assert report.intents == (Intent.AFFIRM, SAMPLES[line].intent)
    assert len(report.listened_share) == len(replies) == len(report.transcript) - 2


async def test_questions_return_to_when_will_you_pay() -> None:
    _, replies = await talk("да это я", "сколько я должен", "за что долг", "как оплатить")
    for reply in replies[2:]:
        assert reply.text.endswith("Когда вы сможете оплатить задолженность?")
        assert not reply.hang_up


async def test_figures_in_names_from_the_database_are_said_in_words() -> None:
    context = dataclasses.replace(CONTEXT, payment=dataclasses.replace(
        CONTEXT.payment, bank="Рязанское отделение № 8606 ПАО Сбербанк"))
    _, replies = await talk("да это я", "как оплатить", context=context)
    assert "банк Рязанское отделение номер восемь тысяч шестьсот шесть ПАО Сбербанк" \
        in replies[-1].text


async def test_payment_without_bank_details_points_to_the_receipt() -> None:
    context = dataclasses.replace(CONTEXT, payment=PaymentDetails())
    _, replies = await talk("да это я", "как оплатить", context=context)
    assert "по квитанции ООО «УК Тест»" in replies[-1].text
    assert "один ноль ноль один" in replies[-1].text


async def test_a_single_month_debt_is_said_with_its_month() -> None:
    context = dataclasses.replace(CONTEXT, items=CONTEXT.items[:1])
    _, replies = await talk("да это я", "за что долг", context=context)
    assert "Задолженность за ноябрь две тысячи двадцать пятого года, по услугам: отопление." \
        in replies[-1].text


async def test_a_debtor_who_owes_nothing_is_thanked() -> None:
    context = dataclasses.replace(CONTEXT, debt=Decimal("0.00"), items=())
    bot, replies = await talk("да это я", context=context)
    assert replies[-1].hang_up and "задолженности нет" in replies[-1].text


async def test_promise_with_a_date_is_confirmed_back_in_words() -> None:
    bot, replies = await talk("да это я", "заплачу в пятницу", "да это я")
    assert replies[-1].hang_up
    assert "Ваше обещание оплатить до четвёртого декабря записано" in replies[-1].text
    report = bot.outcome(hung_up_by_debtor=False)
    assert report.promise_date == FRIDAY
    assert report.intents == (Intent.AFFIRM, Intent.PROMISE_TO_PAY, Intent.AFFIRM)
    assert report.listened_to_end


async def test_promise_without_a_date_asks_for_it_once() -> None:
    bot, replies = await talk("да это я", "заплачу", "пятнадцатого", "да это я")
    assert "Назовите, пожалуйста, дату" in replies[2].text
    assert "до пятнадцатого декабря?" in replies[3].text
    assert "до пятнадцатого декабря записано" in replies[4].text
    assert bot.outcome(hung_up_by_debtor=False).promise_date == date(2026, 12, 15)


async def test_promise_still_without_a_date_closes_with_sms() -> None:
    bot, replies = await talk("да это я", "заплачу", "заплачу")
    assert replies[-1].hang_up and "SMS" in replies[-1].text
    assert bot.outcome(hung_up_by_debtor=False).promise_date is None


async def test_a_corrected_date_replaces_the_one_misheard() -> None:
    bot, replies = await talk("да это я", "заплачу в пятницу", "нет", "пятнадцатого", "да это я")
    assert "Назовите, пожалуйста, дату" in replies[3].text
    assert "до пятнадцатого декабря записано" in replies[-1].text
    assert bot.outcome(hung_up_by_debtor=False).promise_date == date(2026, 12, 15)


async def test_a_date_in_the_past_is_asked_again() -> None:
    bot, replies = await talk("да это я", "заплачу первого ноября", "заплачу в пятницу")
    assert "Эта дата уже прошла" in replies[2].text
    assert "до четвёртого декабря?" in replies[3].text


async def test_a_promise_beyond_the_plans_limit_goes_to_a_manager() -> None:
    bot, replies = await talk("да это я", "заплачу в марте")
    assert replies[-1].hang_up and "предложит рассрочку" in replies[-1].text
    assert bot.outcome(hung_up_by_debtor=False).promise_date == date(2027, 3, 1)


async def test_a_promise_heard_before_hanging_up_on_the_confirmation_is_kept() -> None:
    bot, _ = await talk("да это я", "заплачу в пятницу")
    bot.heard(0.3)
    report = bot.outcome(hung_up_by_debtor=True)
    assert report.promise_date == FRIDAY
    assert report.listened_share[-1] == 0.3
    assert not report.listened_to_end


async def test_dispute_records_the_debtors_words() -> None:
    bot, _ = await talk("да это я", "я не согласен с начислениями")
    report = bot.outcome(hung_up_by_debtor=False)
    assert Intent.DISPUTE in report.intents
    assert report.note == "со слов должника: «я не согласен с начислениями»"


async def test_callback_time_is_asked_then_confirmed() -> None:
    bot, replies = await talk("да это я", "перезвоните позже", "в семь вечера")
    assert "мы перезвоним сегодня в девятнадцать часов" in replies[-1].text
    assert bot.outcome(hung_up_by_debtor=False).callback_at == EVENING


async def test_callback_without_a_time_ends_politely() -> None:
    bot, replies = await talk("да это я", "перезвоните позже", "перезвоните позже")
    assert replies[-1].hang_up and "перезвоним позже" in replies[-1].text
    report = bot.outcome(hung_up_by_debtor=False)
    assert report.callback_at is None
    assert report.intents.count(Intent.CALLBACK_LATER) == 2


async def test_a_second_refusal_ends_the_call() -> None:
    bot, replies = await talk("да это я", "не буду платить", "не буду платить")
    assert replies[-1].hang_up and "Ваш ответ записан" in replies[-1].text


async def test_two_reprompts_then_close_offering_sms() -> None:
    bot, replies = await talk("да это я", "ээ ну это", "ээ ну это", "ээ ну это")
    assert [reply.text.startswith("Извините, я вас не расслышала") for reply in replies[2:4]] == \
        [True, True]
    assert replies[-1].hang_up
    assert "SMS с реквизитами для оплаты" in replies[-1].text
    assert bot.outcome(hung_up_by_debtor=False).intents.count(Intent.NLU_FALLBACK) == 3


async def test_reprompts_count_only_in_a_row() -> None:
    _, replies = await talk("да это я", "ээ ну это", "ээ ну это", "сколько я должен",
                            "ээ ну это", "ээ ну это")
    assert not any(reply.hang_up for reply in replies)


async def test_reprompts_before_identity_close_without_offering_payment_details() -> None:
    bot, replies = await talk("ээ ну это", "ээ ну это", "ээ ну это")
    assert replies[1].text == ("Извините, я вас не расслышала. Скажите, пожалуйста, вы Иванов "
                               "Иван Петрович? Если да, скажите «да» или нажмите единицу. Если "
                               "вы не знаете этого человека, нажмите двойку.")
    assert replies[-1].hang_up
    assert_discloses_nothing(replies)


async def test_barge_in_shares_are_kept_per_bot_message() -> None:
    bot, _ = await talk()
    bot.heard(1.0)
    await bot.hear("да это я", NOW)
    bot.heard(0.42)  # interrupted during the amount
    await bot.hear("сколько я должен", NOW)
    bot.heard(0.8)
    await bot.hear("я уже заплатил", NOW)
    report = bot.outcome(hung_up_by_debtor=False)
    assert report.listened_share == (1.0, 0.42, 0.8, 1.0)
    assert report.listened_to_end
    assert [turn.speaker for turn in report.transcript] == \
        ["bot", "debtor", "bot", "debtor", "bot", "debtor", "bot"]


async def test_hanging_up_during_the_goodbye_is_not_listening_to_the_end() -> None:
    bot, _ = await talk("да это я", "я уже заплатил")
    bot.heard(0.5)
    assert not bot.outcome(hung_up_by_debtor=True).listened_to_end


def test_a_share_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError):
        dialogue().heard(1.5)


async def test_endless_questions_are_wound_up() -> None:
    bot, replies = await talk("да это я", *["сколько я должен"] * (MAX_TURNS - 1))
    assert not any(reply.hang_up for reply in replies[:-1])
    assert bot.stage == Stage.ENDED
    assert replies[-1].hang_up and "Спасибо за разговор" in replies[-1].text


async def test_the_parser_hears_the_time_of_each_turn() -> None:
    parser = ScriptedParser()
    bot = CollectionDialogue(CONTEXT, parser)
    await bot.open(NOW)
    await bot.hear("да это я", NOW)
    assert parser.heard == [("да это я", NOW)]


def test_phrases_file_is_complete() -> None:
    phrases = load_phrases()
    assert "единицу" in phrases.say("identity_question", full_name="X")


def test_a_phrase_file_with_a_missing_or_unknown_value_is_refused(tmp_path: Path) -> None:
    text = PHRASES_FILE.read_text(encoding="utf-8")
    broken = tmp_path / "phrases.yaml"
    broken.write_text(text.replace("greeting:", "greetings:"), encoding="utf-8")
    with pytest.raises(ValueError, match="greeting"):
        load_phrases(broken)
    broken.write_text(text.replace("Всего — {amount}", "Всего — {debt}"), encoding="utf-8")
    with pytest.raises(ValueError, match="debt"):
        load_phrases(broken)


# (what the debtor says, whether the bot told them details come by SMS, whether it is owed).
@pytest.mark.parametrize(("lines", "told", "owed"), [
    (("да это я", "заплачу в пятницу", "да это я"), True, True),        # promise_taken
    (("да это я", "заплачу", "нет"), True, True),                        # promise_without_date
    (("да это я", "как оплатить"), True, True),                          # how_to_pay
    (("да это я", "не буду платить", "не буду платить"), True, True),    # refuse_final
    (("#1", "ээ ну это", "ээ ну это", "ээ ну это"), True, True),         # close_with_sms
    (("да это я", "я не согласен с начислениями"), False, False),        # dispute
    (("да это я", "перезвоните вечером"), False, False),                 # callback
    (("ээ ну это", "ээ ну это", "ээ ну это"), False, False),             # identity never confirmed
    # Told, then not the debtor after all: nothing is sent to a stranger's phone.
    (("да это я", "как оплатить", "вы ошиблись номером"), True, False),
])
async def test_an_sms_the_bot_promised_is_in_the_outcome(
        lines: tuple[str, ...], told: bool, owed: bool) -> None:
    bot, replies = await talk(*lines)
    assert any("SMS" in reply.text for reply in replies) is told
    assert bot.outcome(hung_up_by_debtor=False).send_payment_details is owed


NLU_DOWN = "алло вы меня слышите"


async def test_with_the_nlu_down_the_bot_offers_its_key_menu_and_keys_still_work() -> None:
    bot, replies = await talk("да это я", "сколько я должен", NLU_DOWN, "#0")
    # Asked after an answer whose question named no keys: the debt menu is offered in full.
    assert replies[3].text.startswith("Извините, сейчас я не могу разобрать вашу речь. "
                                      "Пожалуйста, отвечайте кнопками телефона. Когда вы сможете")
    assert "нажмите ноль" in replies[3].text and not replies[3].hang_up
    assert replies[-1].hang_up and "менеджер ООО «УК Тест» перезвонит" in replies[-1].text
    report = bot.outcome(hung_up_by_debtor=False)
    assert report.intents[-2:] == (Intent.NLU_FALLBACK, Intent.REQUEST_OPERATOR)
    assert "сервис NLU не отвечал" in report.note
    assert report.manager_callback == ""


async def test_with_the_nlu_down_a_debtor_who_only_talks_gets_a_managers_call_back() -> None:
    bot, replies = await talk("#1", NLU_DOWN, NLU_DOWN, NLU_DOWN)
    assert [reply.text.startswith("Извините, сейчас я не могу") for reply in replies[2:4]] == \
        [True, True]
    assert replies[-1].hang_up
    assert "Менеджер ООО «УК Тест» перезвонит вам" in replies[-1].text
    report = bot.outcome(hung_up_by_debtor=False)
    assert "сервис NLU не отвечал" in report.manager_callback
    assert report.send_payment_details and report.identity_confirmed


async def test_with_the_nlu_down_before_identity_the_keys_are_offered_and_nothing_disclosed() -> None:
    bot, replies = await talk(NLU_DOWN, NLU_DOWN, NLU_DOWN)
    assert replies[1].text.endswith("Если да, скажите «да» или нажмите единицу. Если вы не знаете "
                                    "этого человека, нажмите двойку.")
    assert replies[-1].hang_up
    assert_discloses_nothing(replies)
    report = bot.outcome(hung_up_by_debtor=False)
    assert report.manager_callback == "" and not report.send_payment_details


async def test_with_the_nlu_down_the_handover_and_callback_questions_offer_keys() -> None:
    _, replies = await talk("нет", NLU_DOWN, "#1")
    assert replies[2].text.endswith("Когда человек подойдёт, пусть нажмёт единицу.")
    assert replies[3].text.startswith("Спасибо, я подожду.")
    _, replies = await talk("да это я", "перезвоните позже", NLU_DOWN, "#1")
    assert replies[3].text.endswith("Чтобы мы перезвонили позже, нажмите единицу.")
    assert replies[4].hang_up and "мы перезвоним позже" in replies[4].text
