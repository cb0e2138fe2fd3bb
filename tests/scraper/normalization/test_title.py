"""Title cleaning and title -> category: the tables are the specification of the bundled rules file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.taxonomy import load_taxonomy
from scraper.normalization.title import (
    bundled_title_rules,
    classify_title,
    clean_title,
    load_title_rules,
)

TAXONOMY_SLUGS = frozenset(category.slug for category in load_taxonomy())

# The six featured-job cards of aijobs.net (FORMATS.md section 1).
FEATURED_CARDS = [
    ("Data Engineer", "data-engineer"),
    ("Artificial Intelligence – Bioinformatic Expert", "bioinformatics"),
    ("Lead Developer (AI)", "ai-engineer"),
    ("Research Engineer", "research-scientist"),
    ("Ecosystem Manager", "developer-relations"),
    ("Founding AI Engineer, Agents", "ai-engineer"),
]

CATEGORY_CASES = [
    # machine-learning-engineer
    ("Machine Learning Engineer", "machine-learning-engineer"),
    ("Senior Machine Learning Engineer, Ranking", "machine-learning-engineer"),
    ("Sr. ML Engineer", "machine-learning-engineer"),
    ("ML Engineer (L5)", "machine-learning-engineer"),
    ("Ingénieur Machine Learning", "machine-learning-engineer"),
    ("Ingeniero de Machine Learning", "machine-learning-engineer"),
    ("Deep Learning Engineer", "machine-learning-engineer"),
    ("MACHINE LEARNING ENGINEER II", "machine-learning-engineer"),
    ("Machine Learning Engineer (m/w/d) - München", "machine-learning-engineer"),
    ("Software Engineer, Machine Learning", "machine-learning-engineer"),
    ("AI/ML Engineer", "machine-learning-engineer"),
    ("Recommender Systems Engineer", "machine-learning-engineer"),
    # ai-engineer
    ("Staff LLM Inference Engineer", "ai-engineer"),
    ("Featured Feat. Staff LLM Inference Engineer", "ai-engineer"),
    ("Senior AI Engineer", "ai-engineer"),
    ("Generative AI Engineer", "ai-engineer"),
    ("GenAI Developer", "ai-engineer"),
    ("Prompt Engineer", "ai-engineer"),
    ("AI Agent Developer", "ai-engineer"),
    ("KI-Entwickler (m/w/d)", "ai-engineer"),
    ("Ingénieur IA (H/F)", "ai-engineer"),
    ("Desarrollador de IA", "ai-engineer"),
    ("Software Engineer - AI", "ai-engineer"),
    ("LLM Platform Engineer", "ai-engineer"),
    # mlops-engineer
    ("Senior MLOps Engineer", "mlops-engineer"),
    ("ML Platform Engineer", "mlops-engineer"),
    ("Machine Learning Infrastructure Engineer", "mlops-engineer"),
    ("AI Infrastructure Engineer", "mlops-engineer"),
    ("ML Inference Engineer", "mlops-engineer"),
    # data-engineer
    ("Data Engineer", "data-engineer"),
    ("Senior Data Engineer - Remote - US", "data-engineer"),
    ("Dateningenieur (m/w/d)", "data-engineer"),
    ("Data Engineer (f/m/x) | Berlin", "data-engineer"),
    ("Ingeniero de Datos", "data-engineer"),
    ("Ingénieur Data (H/F)", "data-engineer"),
    ("Engenheiro de Dados Sênior", "data-engineer"),
    ("Engenheiro(a) de Dados", "data-engineer"),
    ("Senior Data Engineer (Snowflake, dbt)", "data-engineer"),
    ("Junior Data Engineer (m/w/d) - Hamburg", "data-engineer"),
    ("Big Data Developer", "data-engineer"),
    ("ETL Developer", "data-engineer"),
    ("Data Platform Engineer", "data-engineer"),
    ("SENIOR DATA ENGINEER", "data-engineer"),
    ("Software Engineer, Data Infrastructure", "data-engineer"),
    # data-scientist
    ("Data Scientist", "data-scientist"),
    ("Senior Data Scientist ", "data-scientist"),
    ("Datenwissenschaftler", "data-scientist"),
    ("Data Scientist (all genders)", "data-scientist"),
    ("Científico de Datos", "data-scientist"),
    ("Scientifique des données", "data-scientist"),
    ("Werkstudent Data Science (m/w/d)", "data-scientist"),
    ("Data Scientist, GenAI", "data-scientist"),
    ("Statistician", "data-scientist"),
    ("Científico/a de Datos Sr.", "data-scientist"),
    ("Cientista de Dados", "data-scientist"),
    ("Decision Scientist", "data-scientist"),
    # data-analyst
    ("Data Analyst", "data-analyst"),
    ("Data Analyst (Contract)", "data-analyst"),
    ("Analista de Datos", "data-analyst"),
    ("Datenanalyst (m/w/d)", "data-analyst"),
    ("Product Analyst", "data-analyst"),
    ("Marketing Analytics Specialist", "data-analyst"),
    ("Praktikant Data Analytics", "data-analyst"),
    # business-intelligence
    ("Business Intelligence Analyst", "business-intelligence"),
    ("BI Developer", "business-intelligence"),
    ("Power BI Consultant", "business-intelligence"),
    ("Tableau Developer", "business-intelligence"),
    # analytics-engineer
    ("Analytics Engineer", "analytics-engineer"),
    ("Senior Analytics Engineer (dbt)", "analytics-engineer"),
    # research-scientist
    ("Research Engineer", "research-scientist"),
    ("Research Scientist, NLP", "research-scientist"),
    ("ML Research Scientist (m/f/d) & Tech Lead", "research-scientist"),
    ("Applied Scientist", "research-scientist"),
    ("AI Researcher", "research-scientist"),
    ("Research Intern", "research-scientist"),
    ("Postdoctoral Fellow, Machine Learning", "research-scientist"),
    ("Chercheur en IA", "research-scientist"),
    # computer-vision-engineer
    ("Computer Vision Engineer", "computer-vision-engineer"),
    ("Perception Engineer", "computer-vision-engineer"),
    ("Ingeniero de Visión por Computador", "computer-vision-engineer"),
    ("Image Processing Engineer", "computer-vision-engineer"),
    # nlp-engineer
    ("NLP Engineer", "nlp-engineer"),
    ("Natural Language Processing Engineer", "nlp-engineer"),
    ("Computational Linguist", "nlp-engineer"),
    ("Speech Recognition Engineer", "nlp-engineer"),
    # data-architect
    ("Data Architect", "data-architect"),
    ("Cloud Data Architect", "data-architect"),
    ("Arquitecto de Datos", "data-architect"),
    ("Data Modeler", "data-architect"),
    # database-administrator
    ("Database Administrator", "database-administrator"),
    ("Oracle DBA", "database-administrator"),
    ("PostgreSQL Database Engineer", "database-administrator"),
    ("Datenbankadministrator (m/w/d)", "database-administrator"),
    # data-operations
    ("Data Quality Analyst", "data-operations"),
    ("Data Governance Manager", "data-operations"),
    ("Data Steward", "data-operations"),
    ("Data Operations Specialist", "data-operations"),
    ("Annotation Specialist (Contract)", "data-operations"),
    ("AI Trainer", "data-operations"),
    ("Data Entry Clerk", "data-operations"),
    ("Master Data Specialist", "data-operations"),
    ("Writing Evaluator for AI", "data-operations"),
    # software-engineer
    ("Senior Software Engineer, Backend", "software-engineer"),
    ("Senior Backend Engineer (Go)", "software-engineer"),
    ("Frontend Developer", "software-engineer"),
    ("Full Stack Developer", "software-engineer"),
    ("DevOps Engineer", "software-engineer"),
    ("Site Reliability Engineer", "software-engineer"),
    ("Platform Engineer", "software-engineer"),
    ("Embedded Rust Engineer", "software-engineer"),
    ("Softwareentwickler (m/w/d)", "software-engineer"),
    ("Développeur Full Stack (H/F)", "software-engineer"),
    ("Software Engineer II", "software-engineer"),
    ("Founding Engineer", "software-engineer"),
    ("Senior Engineer", "software-engineer"),
    ("iOS Developer", "software-engineer"),
    ("New Grad Software Engineer", "software-engineer"),
    ("Software Engineer - Platform", "software-engineer"),
    ("Werkstudent (m/w/d) Softwareentwicklung", "software-engineer"),
    ("Desarrollador Python", "software-engineer"),
    ("Member of Technical Staff", "software-engineer"),
    # product-manager
    ("Product Manager, ML Platform", "product-manager"),
    ("AI Product Manager", "product-manager"),
    ("Senior Product Owner", "product-manager"),
    ("Head of Product", "product-manager"),
    ("Produktmanager KI (m/w/d)", "product-manager"),
    ("Technical Program Manager", "product-manager"),
    # engineering-manager
    ("Head of Data", "engineering-manager"),
    ("Engineering Manager, ML", "engineering-manager"),
    ("Director of Data Science", "engineering-manager"),
    ("VP of Engineering", "engineering-manager"),
    ("Data Science Manager", "engineering-manager"),
    ("Head of AI", "engineering-manager"),
    ("CTO", "engineering-manager"),
    ("Chief Data Officer", "engineering-manager"),
    ("Teamleiter Data Science (m/w/d)", "engineering-manager"),
    ("Directeur Technique", "engineering-manager"),
    ("Manager, Data Engineering", "engineering-manager"),
    # bioinformatics
    ("Artificial Intelligence – Bioinformatic Expert", "bioinformatics"),
    ("Bioinformatician", "bioinformatics"),
    ("Clinical Data Scientist", "bioinformatics"),
    ("Computational Biologist", "bioinformatics"),
    ("Biostatistician", "bioinformatics"),
    ("Research Scientist, Genomics", "bioinformatics"),
    ("Software Engineer, Genomics", "bioinformatics"),
    # developer-relations
    ("Ecosystem Manager", "developer-relations"),
    ("Developer Advocate", "developer-relations"),
    ("Head of Developer Relations", "developer-relations"),
    ("Community Manager", "developer-relations"),
    ("Developer Evangelist", "developer-relations"),
    # other
    ("Barista", "other"),
    ("Unlisted Role", "other"),
    ("Technical Writer", "other"),
    ("Solutions Engineer, EMEA", "other"),
    ("Customer Success Manager: Enterprise", "other"),
    ("Warehouse Shift Lead", "other"),
    ("Business Developer", "other"),
    ("Sales Development Representative", "other"),
    ("Product Marketing Manager", "other"),
    ("Head of Marketing", "other"),
    ("Insurance Agent", "other"),
    ("UX Researcher", "other"),
    ("Mechanical Engineer", "other"),
    ("Project Manager", "other"),
    ("Financial Analyst", "other"),
    ("", "other"),
]

CLEAN_CASES = [
    ("Featured Feat. Staff LLM Inference Engineer", "Staff LLM Inference Engineer"),
    ("Featured Job 👀 Data Engineer", "Data Engineer"),
    ("  Data   Engineer  ", "Data Engineer"),
    ("New! Data Engineer", "Data Engineer"),
    ("NEW Data Engineer", "Data Engineer"),
    ("Data Engineer (New)", "Data Engineer"),
    ("Hot: ML Engineer", "ML Engineer"),
    ("🔥 Data Engineer 🔥", "Data Engineer"),
    ("New Grad Software Engineer", "New Grad Software Engineer"),
    ("Hot Chip Designer", "Hot Chip Designer"),
    ("Dateningenieur (m/w/d)", "Dateningenieur"),
    ("Data Scientist (m/f/d)", "Data Scientist"),
    ("Data Engineer (f/m/x) | Berlin", "Data Engineer"),
    ("Ingénieur Data (H/F)", "Ingénieur Data"),
    ("Data Engineer (all genders)", "Data Engineer"),
    ("Data Engineer (w/m/d)", "Data Engineer"),
    ("Data Engineer m/w/d", "Data Engineer"),
    ("Softwareentwickler:in", "Softwareentwickler"),
    ("ML Research Scientist (m/f/d) & Tech Lead", "ML Research Scientist & Tech Lead"),
    ("ML Research Scientist (m/f/d) &amp; Tech Lead", "ML Research Scientist & Tech Lead"),
    ("Staff LLM Inference Engineer - Remote - US", "Staff LLM Inference Engineer"),
    ("Data Scientist - Remote, US", "Data Scientist"),
    ("Machine Learning Engineer | Berlin", "Machine Learning Engineer"),
    ("Data Engineer (Remote)", "Data Engineer"),
    ("Data Analyst - Hybrid (London)", "Data Analyst"),
    ("Research Engineer, San Francisco, CA", "Research Engineer"),
    ("SENIOR DATA ENGINEER - REMOTE - US", "Senior Data Engineer"),
    ("SENIOR ML ENGINEER", "Senior ML Engineer"),
    ("CTO", "CTO"),
    ("Lead Developer (AI)", "Lead Developer (AI)"),
    ("Founding AI Engineer, Agents", "Founding AI Engineer, Agents"),
    ("Senior Software Engineer, Backend", "Senior Software Engineer, Backend"),
    ("Support Engineer - IT", "Support Engineer - IT"),
    ("Data Engineer - Platform", "Data Engineer - Platform"),
    ("Artificial Intelligence – Bioinformatic Expert", "Artificial Intelligence – Bioinformatic Expert"),
    ("Remote", "Remote"),
]


@pytest.mark.parametrize(("title", "slug"), FEATURED_CARDS, ids=[t for t, _ in FEATURED_CARDS])
def test_featured_cards_classify_exactly(title: str, slug: str) -> None:
    assert classify_title(title).slug == slug
    assert clean_title(title) == title


@pytest.mark.parametrize(("title", "slug"), CATEGORY_CASES, ids=[t or "<empty>" for t, _ in CATEGORY_CASES])
def test_classify_title(title: str, slug: str) -> None:
    assert classify_title(title).slug == slug


@pytest.mark.parametrize(("raw", "expected"), CLEAN_CASES, ids=[r for r, _ in CLEAN_CASES])
def test_clean_title(raw: str, expected: str) -> None:
    assert clean_title(raw) == expected


def test_every_category_of_the_taxonomy_has_cases() -> None:
    assert {slug for _, slug in CATEGORY_CASES} == TAXONOMY_SLUGS


def test_every_rule_slug_is_in_the_taxonomy() -> None:
    rules = bundled_title_rules()
    assert rules.rules
    for rule in rules.rules:
        assert rule.slug in TAXONOMY_SLUGS, rule.name
    assert rules.fallback in TAXONOMY_SLUGS
    load_title_rules(known_slugs=TAXONOMY_SLUGS)  # the loader's own check agrees


def test_explanation_names_the_rule_and_the_text() -> None:
    result = classify_title("Product Manager, ML Platform")
    assert (result.slug, result.rule, result.matched) == ("product-manager", "product-manager", "product manager")
    assert result.folded == "product manager ml platform"
    fallback = classify_title("Barista")
    assert (fallback.slug, fallback.rule, fallback.matched) == ("other", None, None)


def test_classification_is_deterministic() -> None:
    titles = [title for title, _ in CATEGORY_CASES]
    assert [classify_title(t) for t in titles] == [classify_title(t) for t in titles]


def test_a_replacement_rules_file_is_used(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        'fallback = "other"\n[terms]\nx = "(?:barista|coffee)"\n'
        "[[rule]]\nname = \"coffee\"\nslug = \"data-operations\"\nany = ['\\b{x}\\b']\nnone = ['\\bmanager\\b']\n",
        encoding="utf-8",
    )
    rules = load_title_rules(path, known_slugs=TAXONOMY_SLUGS)
    assert classify_title("Barista", rules=rules).rule == "coffee"
    assert classify_title("Coffee Manager", rules=rules).slug == "other"
    assert classify_title("Data Engineer", rules=rules).slug == "other"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[rule]]\nname = "bad"\nslug = "other"\nany = [\'(\']\n', "bad"),
        ('[[rule]]\nname = "nope"\nslug = "not-a-category"\nany = [\'x\']\n', "not-a-category"),
        ('[[rule]]\nname = "empty"\nslug = "other"\nany = []\n', "empty"),
        ("[[rule]]\nname = \"slugless\"\nany = ['x']\n", "slugless"),
    ],
    ids=["bad-regex", "unknown-slug", "no-patterns", "no-slug"],
)
def test_a_bad_rules_file_is_refused_naming_the_rule(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_title_rules(path, known_slugs=TAXONOMY_SLUGS)


@given(st.text(max_size=300))
def test_never_raises(text: str) -> None:
    assert classify_title(text).slug in TAXONOMY_SLUGS
    assert isinstance(clean_title(text), str)


@pytest.mark.parametrize(
    "text",
    ["1" * 10_000 + "!", "a " * 100_000, "(" * 50_000, "m/" * 50_000, "Data Engineer - " * 20_000, "x" * 1_000_000],
    ids=["digits", "words", "parens", "slashes", "separators", "one-mb"],
)
@pytest.mark.timeout(10)  # linear-time parsing; a catastrophic regex fails here instead of hanging
def test_adversarial_input_is_read_in_bounded_time(text: str) -> None:
    # Linear-time patterns and a length cap: these complete at once (a catastrophic regex would hang).
    assert classify_title(text).slug in TAXONOMY_SLUGS
    assert len(clean_title(text)) <= 500
