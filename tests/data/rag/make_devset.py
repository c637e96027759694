"""Writes the retrieval development set (tests/data/rag/devset/): real multi-page documents.

Run from the repository root with the dev extras installed (fpdf2 writes the PDFs; the Korean
PDF embeds Noto Sans CJK, found at the path below on Debian with fonts-noto-cjk):

    .venv/bin/python tests/data/rag/make_devset.py

The outputs are committed, so tests never need fpdf2 or the font. Questions with the page
that answers each are in questions.jsonl next to the documents.
"""

from __future__ import annotations

import io
from pathlib import Path

OUT = Path(__file__).resolve().parent / "devset"
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

TRAVEL = [
    (
        "1. Purpose and scope",
        "This policy governs business travel and travel-related expenses for all employees of Hanbit "
        "Systems and its subsidiaries. It takes effect on March 1, 2026 and replaces the 2023 travel "
        "guideline. The policy owner is Finance Operations, who answers questions and grants exceptions. "
        "Contractors follow this policy only when their contract says so.",
    ),
    (
        "2. Booking flights",
        "All flights must be booked through the corporate travel agency, SkyRoute, using the travel portal. "
        "Book at least 14 days before departure; later bookings need the approval of a department head. "
        "Economy class is the standard for flights shorter than six hours. Business class is allowed for "
        "directors and above on flights longer than eight hours. Frequent flyer miles stay with the employee, "
        "but may not influence the choice of airline.",
    ),
    (
        "3. Lodging",
        "Hotels are booked through SkyRoute as well. The nightly room rate may not exceed 180,000 KRW in Seoul, "
        "25,000 JPY in Tokyo, or 320 USD in New York; for other cities the cap is 150 USD. Stays longer than "
        "seven nights in the same city require approval from Finance Operations. Room upgrades, minibar and "
        "in-room movies are personal expenses.",
    ),
    (
        "4. Meals and per diem",
        "Employees receive a daily meal allowance (per diem) instead of meal receipts: 50,000 KRW per day on "
        "domestic trips and 75 USD per day on international trips. Alcohol is not reimbursable, except during "
        "client entertainment approved in advance by a vice president. Meals provided by a conference or an "
        "airline reduce the per diem by one third each.",
    ),
    (
        "5. Expense reports",
        "Submit the expense report in ExpenseHub within 30 days after the trip ends. Attach a receipt for every "
        "item above 30,000 KRW. Reports submitted more than 60 days after the trip are rejected and the costs "
        "are not reimbursed. Reimbursements are paid with the next monthly payroll after approval.",
    ),
    (
        "6. Corporate card",
        "The corporate card has a limit of 5,000,000 KRW per month. Report a lost or stolen card within 24 "
        "hours by calling the card desk at 1588-0000. Personal use of the corporate card is prohibited; a "
        "violation leads to the suspension of the card and may lead to disciplinary action.",
    ),
]

SECURITY = [
    (
        "제1장 목적 및 적용 범위",
        "이 규정은 회사의 정보자산을 보호하기 위하여 임직원과 협력사 직원이 지켜야 할 보안 기준을 정한다. "
        "이 규정은 2026년 1월 1일부터 시행하며, 정보보호최고책임자(CISO)가 관리한다. "
        "규정에 대한 예외는 정보보호위원회의 심의를 거쳐 CISO가 승인한다.",
    ),
    (
        "제2장 비밀번호 관리",
        "비밀번호는 최소 12자 이상으로 하며 영문 대문자, 소문자, 숫자, 특수문자를 모두 조합하여야 한다. "
        "비밀번호는 90일마다 변경하여야 하며, 최근에 사용한 5개의 비밀번호는 다시 사용할 수 없다. "
        "로그인에 5회 연속 실패하면 계정이 30분 동안 잠긴다. 비밀번호를 메모지나 메신저로 공유하는 것은 금지된다.",
    ),
    (
        "제3장 외부 저장매체",
        "USB 메모리 등 외부 저장매체의 사용은 원칙적으로 금지한다. 업무상 꼭 필요한 경우에는 보안팀의 사전 승인을 받아 "
        "회사가 지급한 암호화 USB만 사용할 수 있다. 저장매체를 사외로 반출할 때에는 반출 대장에 기록하고 "
        "부서장의 확인을 받아야 한다.",
    ),
    (
        "제4장 재택근무 및 원격 접속",
        "재택근무 중에는 반드시 회사 VPN을 통해서만 사내 시스템에 접속하여야 한다. 카페나 공항 등 공용 와이파이를 "
        "이용한 업무 접속은 금지된다. 자리를 비울 때에는 화면을 잠가야 하며, 10분 동안 입력이 없으면 화면이 "
        "자동으로 잠기도록 설정한다. 개인 소유 PC로 업무를 처리해서는 안 된다.",
    ),
    (
        "제5장 보안사고 신고",
        "보안사고를 알게 된 임직원은 즉시, 늦어도 1시간 이내에 보안팀(내선 7777)에 신고하여야 한다. "
        "개인정보 유출 사고가 발생한 경우 회사는 72시간 이내에 관계기관에 통지한다. "
        "이 규정을 위반한 임직원은 취업규칙에 따라 징계할 수 있다.",
    ),
]

LEAVE = [
    (
        "1. 연차휴가 발생 기준",
        [
            "1년 이상 근속한 직원에게는 연간 15일의 연차휴가가 발생한다.",
            "근속 2년마다 1일씩 가산하며, 가산된 휴가를 포함한 총 연차는 최대 25일까지로 한다.",
            "입사 1년 미만 직원에게는 1개월 개근 시 1일의 연차가 발생한다.",
        ],
    ),
    (
        "2. 휴가 신청 절차",
        [
            "연차휴가는 그룹웨어의 '휴가신청' 메뉴에서 사용 예정일 3일 전까지 신청하고 팀장의 승인을 받는다.",
            "5일 이상 연속으로 사용하는 경우에는 시작일 2주 전까지 신청하여야 한다.",
            "긴급한 사유로 당일 사용하는 경우에는 사후에 지체 없이 신청한다.",
        ],
    ),
    (
        "3. 연차 사용 촉진",
        [
            "회사는 매년 7월 1일에 미사용 연차 일수를 1차로 통보하고 사용 계획 제출을 요청한다.",
            "10월 31일까지 사용 계획을 제출하지 않은 직원에게는 2차로 사용 시기를 지정하여 통보한다.",
            "연차 사용 촉진 제도를 시행한 경우 미사용 연차에 대한 금전 보상은 하지 않는다.",
        ],
    ),
    (
        "4. 특별휴가",
        [
            "본인 결혼 시 5일, 자녀 결혼 시 1일의 특별휴가를 부여한다.",
            "배우자가 출산한 경우 10일의 출산휴가를 부여하며, 출산일로부터 90일 이내에 사용하여야 한다.",
            "부모 또는 배우자의 부모가 사망한 경우 5일의 특별휴가를 부여한다.",
        ],
    ),
]

RESULTS = [
    (
        "Q3 2026 Business Review",
        ["Hanbit Systems — prepared by Corporate Strategy", "Board meeting, October 2026"],
        "",
    ),
    (
        "Q3 revenue and profit",
        [
            "Revenue: 1.42 trillion KRW, up 12% year over year",
            "Operating margin: 9.8% (Q2: 8.9%)",
            "Net income: 103 billion KRW",
        ],
        "",
    ),
    (
        "Cloud segment",
        [
            "Cloud revenue: 380 billion KRW, up 27% year over year",
            "140 new enterprise customers in the quarter",
            "Churn fell to 1.1% per month",
        ],
        "",
    ),
    (
        "Risks",
        [
            "Semiconductor supply for server hardware remains tight",
            "Foreign exchange volatility: KRW/USD averaged 1,390 in the quarter",
            "Mitigation: longer supplier contracts and currency hedging of 60% of USD costs",
        ],
        "",
    ),
    (
        "Q4 outlook",
        [
            "Revenue guidance: 1.5 trillion KRW",
            "Hiring freeze except for AI engineering roles",
            "Launch of the sovereign cloud region in December",
        ],
        "The CFO will confirm the dividend policy at the November board meeting.",
    ),
]


def travel_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title("Travel and Expense Policy 2026")
    for heading, body in TRAVEL:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 15)
        pdf.multi_cell(0, 9, heading)
        pdf.ln(3)
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 6, body)
    return bytes(pdf.output())


def security_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("NotoKR", fname=CJK_FONT, collection_font_number=1)
    pdf.set_title("정보보안 규정")
    for heading, body in SECURITY:
        pdf.add_page()
        pdf.set_font("NotoKR", size=15)
        pdf.multi_cell(0, 9, heading)
        pdf.ln(3)
        pdf.set_font("NotoKR", size=11)
        pdf.multi_cell(0, 7, body)
    return bytes(pdf.output())


def leave_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("2026년 연차휴가 운영 안내", level=0)
    for number, (heading, paragraphs) in enumerate(LEAVE):
        if number:
            document.add_page_break()
        document.add_heading(heading, level=1)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def results_pptx() -> bytes:
    import pptx

    deck = pptx.Presentation()
    for number, (title, bullets, notes) in enumerate(RESULTS):
        slide = deck.slides.add_slide(deck.slide_layouts[0 if number == 0 else 1])
        slide.shapes.title.text = title
        body = slide.placeholders[1].text_frame
        body.text = bullets[0]
        for bullet in bullets[1:]:
            body.add_paragraph().text = bullet
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "travel-expense-policy.pdf").write_bytes(travel_pdf())
    (OUT / "정보보안-규정.pdf").write_bytes(security_pdf())
    (OUT / "2026-연차휴가-안내.docx").write_bytes(leave_docx())
    (OUT / "q3-2026-results.pptx").write_bytes(results_pptx())


if __name__ == "__main__":
    main()
