"""Words a sign-in sheet may use, in English, French, Spanish, Portuguese and Arabic: header words per field,
values for sex, organisation type, role, yes/no, presence marks, month names. Written without accents and in lower
case: every spelling is compared after ``words()`` has folded it the same way."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pycountry
from babel import Locale
from babel.support import Translations

from training.workshops.matching import normalise_name


def _l(text: str) -> str:
    """Marks a msgid for extraction; translated by the caller."""
    return text


@lru_cache(maxsize=8192)
def words(text: str) -> str:
    """Case, accents, punctuation and spacing folded: "  Sexe (F/M) * " -> "sexe f m". Cached: the same few
    values ("F", "X", "Kenya") fill most cells."""
    text = normalise_name(text)
    text = re.sub(r"[^\w]+", ' ', text)
    return ' '.join(text.replace('_', ' ').split())


#: Person fields a column can hold: field -> (label msgid, header phrases). The longest phrase found in a header
#: decides its field, so "Type d'organisation" is the organisation type, not the organisation.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    'full_name': (_l('Full name'), (
        'full name', 'name', 'names', 'participant', 'participants', 'participant name', 'name of participant',
        'participant s name', 'fullname', 'name and surname', 'names and surnames', 'nom complet', 'nom', 'noms',
        'nom et prenom', 'nom et prenoms', 'noms et prenoms', 'prenom et nom', 'prenoms et nom', 'nom prenom',
        'nom prenoms', 'nom du participant', 'nom de la participante', 'nombre', 'nombre completo',
        'nombre y apellido', 'nombre y apellidos', 'nombres y apellidos', 'apellidos y nombres', 'apellido y nombre',
        'participante', 'nome', 'nome completo', 'nome do participante', 'nome e apelido', 'nome e sobrenome',
        'الاسم', 'الاسم الكامل', 'الاسم واللقب')),
    'given_name': (_l('Given names'), (
        'first name', 'first names', 'given name', 'given names', 'forename', 'forenames', 'prenom', 'prenoms',
        'nombres', 'primer nombre', 'primeiro nome', 'prenome', 'الاسم الأول')),
    'family_name': (_l('Surname'), (
        'surname', 'last name', 'family name', 'nom de famille', 'apellido', 'apellidos', 'sobrenome', 'apelido',
        'apelidos', 'اللقب', 'اسم العائلة')),
    'sex': (_l('Sex'), (
        'sex', 'gender', 'sexe', 'genre', 'sexo', 'genero', 'm f', 'f m', 'h f', 'f h', 'h m', 'الجنس')),
    'organisation': (_l('Organisation'), (
        'organisation', 'organization', 'institution', 'organisme', 'employer', 'structure', 'agency', 'agence',
        'name of organisation', 'name of organization', 'organisation name', 'organization name',
        'nom de l organisation', 'nom de l institution', 'nom de la structure', 'institucion', 'organizacion',
        'entidad', 'organismo', 'nombre de la organizacion', 'organizacao', 'instituicao', 'orgao', 'entidade',
        'empresa', 'nome da organizacao', 'المؤسسة', 'المنظمة', 'الجهة')),
    'organisation_type': (_l('Organisation type'), (
        'organisation type', 'organization type', 'type of organisation', 'type of organization', 'type',
        'type d organisation', 'type d organisme', 'type organisation', 'type de structure', 'type d institution',
        'categorie', 'category', 'sector', 'secteur', 'tipo', 'tipo de organizacion', 'tipo de institucion',
        'tipo de entidad', 'sector de la organizacion', 'tipo de organizacao', 'tipo de instituicao', 'setor',
        'نوع المؤسسة', 'القطاع')),
    'country': (_l('Country'), (
        'country', 'pays', 'pais', 'nationality', 'nationalite', 'nacionalidad', 'nacionalidade', 'country code',
        'code pays', 'country of origin', 'pays d origine', 'pais de origen', 'pais de origem', 'البلد', 'الدولة',
        'الجنسية')),
    'email': (_l('Email'), (
        'email', 'e mail', 'email address', 'e mail address', 'courriel', 'adresse electronique', 'mail',
        'adresse e mail', 'adresse email', 'adresse mail', 'correo', 'correo electronico', 'email correo',
        'correio eletronico', 'correio electronico', 'endereco de e mail', 'endereco eletronico',
        'البريد الإلكتروني', 'البريد الالكتروني', 'البريد')),
    'role': (_l('Role'), ('role', 'attendance role', 'qualite', 'rol', 'papel', 'الدور')),
    'days_attended': (_l('Days attended'), (
        'days', 'days attended', 'number of days', 'jours', 'jours de presence', 'nombre de jours', 'presence days',
        'nb jours', 'dias', 'dias asistidos', 'dias de asistencia', 'numero de dias', 'dias de presenca',
        'dias presentes')),
    'pre_test_score': (_l('Pre-test score'), (
        'pre test', 'pretest', 'pre test score', 'test initial', 'score pre test', 'note pre test',
        'evaluation initiale', 'pre evaluacion', 'prueba inicial', 'pre teste', 'teste inicial', 'pre test %')),
    'post_test_score': (_l('Post-test score'), (
        'post test', 'posttest', 'post test score', 'test final', 'score post test', 'note post test',
        'evaluation finale', 'post evaluacion', 'prueba final', 'pos teste', 'teste final')),
    'consent': (_l('Consent to be contacted'), (
        'consent', 'consent to be contacted', 'consentement', 'accepte d etre contacte', 'contact ok',
        'consentimiento', 'consentimento')),
    # Recognised so that a row holding only these is blank, and never listed as "not used" by mistake
    'number': (_l('Row number'), (
        'no', 'n', 'n o', 'nº', 'n°', 'num', 'number', 'numero', 'nr', 's n', 'sl no', 'serial', 'ordre',
        'n d ordre', 'item', 'orden', 'ord', 'الرقم', 'رقم')),
    'signature': (_l('Signature'), (
        'signature', 'signatures', 'sign', 'emargement', 'visa', 'firma', 'firmas', 'assinatura', 'assinaturas',
        'rubrica', 'التوقيع')),
}

#: Fields read into a person or an attendance; 'number' and 'signature' are recognised but never stored
STORED_FIELDS = tuple(k for k in FIELDS if k not in ('number', 'signature'))
#: Columns whose content alone does not make a row a person ("a row blank except for its pre-printed number")
FILLER_FIELDS = ('number', 'signature')

SEX_WORDS = {
    'female': ('f', 'female', 'femme', 'woman', 'w', 'fem', 'feminin', 'feminine', 'girl', 'fille', 'mme', 'mrs',
               'ms', 'madame', 'mlle', 'mujer', 'femenino', 'femenina', 'sra', 'mulher', 'feminino', 'sra',
               'انثى', 'أنثى'),
    'male': ('m', 'male', 'homme', 'man', 'h', 'masc', 'masculin', 'masculine', 'boy', 'garcon', 'mr', 'monsieur',
             'hombre', 'masculino', 'varon', 'sr', 'homem', 'ذكر'),
    'other': ('other', 'autre', 'x', 'non binary', 'non binaire', 'nonbinary', 'diverse', 'otro', 'otra', 'outro',
              'outra', 'no binario', 'nao binario'),
    'undisclosed': ('', 'not disclosed', 'undisclosed', 'prefer not to say', 'non communique', 'non precise',
                    'ne souhaite pas le dire', 'n a', 'na', 'nd', 'n d', 'unknown', 'inconnu', 'no especificado',
                    'prefiero no decirlo', 'nao informado', 'prefiro nao dizer', 'desconocido'),
}

ORG_TYPE_WORDS = {
    'government': ('government', 'gouvernement', 'gov', 'ministry', 'ministere', 'public administration',
                   'administration publique', 'state', 'etat', 'gobierno', 'ministerio', 'administracion publica',
                   'governo', 'administracao publica', 'estado'),
    'military': ('military', 'militaire', 'armed forces', 'forces armees', 'army', 'armee', 'defence', 'defense',
                 'militar', 'fuerzas armadas', 'ejercito', 'forcas armadas', 'exercito', 'defensa', 'defesa'),
    'police': ('police', 'gendarmerie', 'law enforcement', 'policia', 'guardia civil'),
    'judiciary': ('judiciary', 'justice', 'judiciaire', 'magistrature', 'court', 'tribunal', 'pouvoir judiciaire',
                  'poder judicial', 'justicia', 'judicial', 'judiciario', 'poder judiciario', 'justica'),
    'parliament': ('parliament', 'parlement', 'legislature', 'assemblee nationale', 'parlamento', 'congreso',
                   'asamblea nacional', 'assembleia nacional'),
    'nhri': ('nhri', 'national human rights institution', 'institution nationale des droits de l homme', 'indh',
             'human rights commission', 'commission des droits de l homme', 'defensoria del pueblo',
             'institucion nacional de derechos humanos', 'instituicao nacional de direitos humanos', 'inddh'),
    'civil_society': ('civil society', 'societe civile', 'ngo', 'ong', 'csos', 'cso', 'osc', 'association',
                      'sociedad civil', 'sociedade civil', 'asociacion', 'associacao'),
    'academia': ('academia', 'academic', 'university', 'universite', 'milieu universitaire', 'research',
                 'recherche', 'universitaire', 'universidad', 'academico', 'investigacion', 'universidade',
                 'pesquisa'),
    'media': ('media', 'medias', 'press', 'presse', 'journalist', 'journaliste', 'medios', 'prensa', 'periodista',
              'midia', 'imprensa', 'jornalista', 'comunicacion social'),
    'religious_community': ('religious or community leader', 'religious', 'community leader', 'religieux',
                            'chef religieux', 'chef communautaire', 'leader religieux ou communautaire',
                            'leader communautaire', 'chef religieux ou communautaire', 'religioso',
                            'lider comunitario', 'lider religioso', 'lider religioso o comunitario',
                            'lider religioso ou comunitario', 'autoridad tradicional', 'autoridade tradicional'),
    'un': ('un', 'united nations', 'nations unies', 'onu', 'un agency', 'naciones unidas', 'nacoes unidas'),
    'regional_org': ('regional organisation', 'regional organization', 'organisation regionale', 'au', 'ua',
                     'african union', 'union africaine', 'ecowas', 'cedeao', 'eu', 'ue', 'osce', 'oas', 'oea',
                     'organizacion regional', 'organizacao regional', 'uniao africana', 'union africana'),
    'other': ('other', 'autre', 'private sector', 'secteur prive', 'otro', 'sector privado', 'outro',
              'setor privado'),
}

ROLE_WORDS = {
    'participant': ('', 'participant', 'participante', 'trainee', 'stagiaire', 'apprenant', 'participantes'),
    'facilitator': ('facilitator', 'facilitateur', 'facilitatrice', 'trainer', 'formateur', 'formatrice',
                    'resource person', 'personne ressource', 'facilitador', 'facilitadora', 'formador', 'formadora',
                    'capacitador', 'capacitadora'),
    'observer': ('observer', 'observateur', 'observatrice', 'observador', 'observadora'),
}

YES_WORDS = ('y', 'yes', 'oui', 'o', 'true', 'vrai', '1', 'x', 'ok', 'si', 'sim', 's', 'verdadero', 'verdadeiro')
NO_WORDS = ('', 'n', 'no', 'non', 'false', 'faux', '0', 'nao', 'falso')

#: Marks in a day column meaning "present" and "absent" (folded by ``words``, plus the symbols themselves)
PRESENT_MARKS = ('x', 'y', 'yes', 'oui', 'o', 'si', 'sim', 's', 'p', 'present', 'presente', 'presentes', '1',
                 'ok', 'true', 'vrai', 'verdadero', '✓', '✔', '√', '☑', '✅', '☒', 'v', 'xx')
ABSENT_MARKS = ('', '0', 'no', 'non', 'n', 'nao', 'a', 'abs', 'absent', 'absente', 'ausente', 'false', 'faux',
                'falso', '-', '--', '—', '–', '/', '✗', '✘', '☐', 'excused', 'excuse', 'excusado')

#: Words around a day in a day column's header: "Attendance day 1", "Présence J2", "Signature jour 3", "Firma día 1"
DAY_WORDS = ('day', 'days', 'jour', 'jours', 'j', 'd', 'dia', 'dias', 'journee', 'jr', 'يوم', 'اليوم')
DAY_DECOR = ('attendance', 'presence', 'presences', 'present', 'asistencia', 'presenca', 'signature', 'signatures',
             'sign', 'emargement', 'firma', 'assinatura', 'date', 'fecha', 'data', 'of', 'du', 'de', 'del', 'do',
             'le', 'el', 'o', 'the', 'no', 'n', 'nº', 'التوقيع', 'توقيع', 'الحضور', 'حضور')
#: A day column whose header says "signature": any writing in it means the person signed, so was present
SIGNATURE_DAY_WORDS = ('signature', 'signatures', 'sign', 'emargement', 'firma', 'assinatura', 'التوقيع', 'توقيع')
ORDINALS = {'one': 1, 'two': 2, 'three': 3, 'four': 4, 'five': 5, 'six': 6, 'seven': 7, 'eight': 8, 'nine': 9,
            'ten': 10, 'first': 1, 'second': 2, 'third': 3, 'fourth': 4, 'fifth': 5, 'un': 1, 'deux': 2,
            'trois': 3, 'quatre': 4, 'cinq': 5, 'uno': 1, 'dos': 2, 'tres': 3, 'cuatro': 4, 'cinco': 5, 'um': 1,
            'dois': 2, 'quatro': 4, 'premier': 1, 'deuxieme': 2, 'troisieme': 3, '1er': 1, '1st': 1, '2nd': 2,
            '3rd': 3, '2e': 2, '3e': 3, '4e': 4, '5e': 5, '2eme': 2, '3eme': 3, 'primer': 1, 'segundo': 2,
            'tercer': 3, 'primeiro': 1, 'terceiro': 3}

MONTHS = {
    1: ('january', 'jan', 'janvier', 'janv', 'enero', 'ene', 'janeiro'),
    2: ('february', 'feb', 'fevrier', 'fev', 'febrero', 'fevereiro'),
    3: ('march', 'mar', 'mars', 'marzo', 'marco'),
    4: ('april', 'apr', 'avril', 'avr', 'abril', 'abr'),
    5: ('may', 'mai', 'mayo', 'maio'),
    6: ('june', 'jun', 'juin', 'junio', 'junho'),
    7: ('july', 'jul', 'juillet', 'juil', 'julio', 'julho'),
    8: ('august', 'aug', 'aout', 'agosto', 'ago'),
    9: ('september', 'sep', 'sept', 'septembre', 'septiembre', 'setiembre', 'setembro', 'set'),
    10: ('october', 'oct', 'octobre', 'octubre', 'outubro', 'out'),
    11: ('november', 'nov', 'novembre', 'noviembre', 'novembro'),
    12: ('december', 'dec', 'decembre', 'diciembre', 'dic', 'dezembro', 'dez'),
}
MONTH_BY_WORD = {w: m for m, names in MONTHS.items() for w in names}
WEEKDAYS = ('monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'mon', 'tue', 'wed',
            'thu', 'fri', 'sat', 'sun', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche',
            'lunes', 'martes', 'miercoles', 'jueves', 'viernes', 'sabado', 'domingo', 'segunda', 'terca', 'quarta',
            'quinta', 'sexta', 'feira', 'lun', 'mar', 'mer', 'jeu', 'ven', 'sam', 'dim')

#: Lines below the table that are notes, not persons ("Facilitators: ...", "Total: 23", "Fait à Dakar le ...")
NOTE_WORDS = ('facilitator', 'facilitators', 'facilitateur', 'facilitateurs', 'trainer', 'trainers', 'formateurs',
              'note', 'notes', 'nb', 'total', 'totals', 'prepared by', 'etabli par', 'fait a', 'done at',
              'signed', 'certified', 'certifie', 'visa', 'cachet', 'stamp', 'observaciones', 'observations',
              'remarks', 'remarques', 'facilitadores', 'elaborado por', 'preparado por', 'firma del',
              'source', 'fuente', 'fonte', 'page', 'pagina')


#: The titles the site itself writes for these values (the enums' msgids: training.vocab.OrganisationType,
#: training.workshops.models.Sex and AttendanceRole), so that an export or printed sheet in any interface language
#: reads back; tests/workshops/test_sheets_languages.py checks they are the enums' titles.
SEX_TITLES = {'female': 'Female', 'male': 'Male', 'other': 'Other', 'undisclosed': 'Not disclosed'}
ROLE_TITLES = {'participant': 'Participant', 'facilitator': 'Facilitator', 'observer': 'Observer'}
ORG_TYPE_TITLES = {
    'government': 'Government', 'military': 'Military', 'police': 'Police', 'judiciary': 'Judiciary',
    'parliament': 'Parliament', 'nhri': 'National human rights institution', 'civil_society': 'Civil society',
    'academia': 'Academia', 'media': 'Media', 'religious_community': 'Religious or community leader',
    'un': 'United Nations', 'regional_org': 'Regional organisation', 'other': 'Other'}
TRANSLATIONS_DIR = Path(__file__).resolve().parents[2] / 'translations'


@lru_cache(maxsize=1)
def _catalogues() -> tuple[Translations, ...]:
    """The site's compiled interface catalogues (training/translations/<lang>/LC_MESSAGES/messages.mo)."""
    if not TRANSLATIONS_DIR.is_dir():
        return ()
    return tuple(Translations.load(str(TRANSLATIONS_DIR), [d.name]) for d in sorted(TRANSLATIONS_DIR.iterdir())
                 if (d / 'LC_MESSAGES' / 'messages.mo').is_file())


def in_every_language(msgid: str) -> tuple[str, ...]:
    """``msgid`` and its translation in every interface language."""
    return tuple(dict.fromkeys([msgid, *(t.gettext(msgid) for t in _catalogues())]))


def lookup(table: dict[str, tuple[str, ...]], titles: dict[str, str] | None = None) -> dict[str, str]:
    found = {words(w) or w: k for k, spellings in table.items() for w in spellings}
    for name, title in (titles or {}).items():
        for spelling in in_every_language(title):
            found.setdefault(words(spelling) or spelling, name)
    return found


@lru_cache(maxsize=1)
def sex_lookup() -> dict[str, str]:
    table = lookup(SEX_WORDS, SEX_TITLES)
    table[''] = 'undisclosed'
    return table


@lru_cache(maxsize=1)
def role_lookup() -> dict[str, str]:
    return lookup(ROLE_WORDS, ROLE_TITLES)


@lru_cache(maxsize=1)
def org_type_lookup() -> dict[str, str]:
    table = lookup(ORG_TYPE_WORDS, ORG_TYPE_TITLES)
    for name in ORG_TYPE_WORDS:
        table.setdefault(words(name.replace('_', ' ')), name)
    return table


@lru_cache(maxsize=1)
def mark_lookup() -> dict[str, bool]:
    table = {words(w) or w: False for w in ABSENT_MARKS}
    table.update({words(w) or w: True for w in PRESENT_MARKS})
    table[''] = False
    return table


@lru_cache(maxsize=1)
def country_lookup() -> dict[str, str]:
    """Folded country name or code -> ISO alpha-2, from pycountry and CLDR names in English, French, Spanish,
    Portuguese and Arabic."""

    table: dict[str, str] = {}
    for c in pycountry.countries:
        table[words(c.alpha_2)] = c.alpha_2
        table[words(c.alpha_3)] = c.alpha_2
        for attr in ('name', 'official_name', 'common_name'):
            value = getattr(c, attr, None)
            if value:
                table.setdefault(words(value), c.alpha_2)
    codes = {c.alpha_2 for c in pycountry.countries}
    for loc in ('en', 'fr', 'es', 'pt', 'ar'):
        for code, name in Locale.parse(loc).territories.items():
            if code in codes:
                table.setdefault(words(name), code)
    extra = {'drc': 'CD', 'rdc': 'CD', 'dr congo': 'CD', 'congo kinshasa': 'CD', 'congo brazzaville': 'CG',
             'ivory coast': 'CI', 'cote d ivoire': 'CI', 'uk': 'GB', 'usa': 'US', 'us': 'US', 'etats unis': 'US',
             'south sudan': 'SS', 'soudan du sud': 'SS', 'car': 'CF', 'rca': 'CF', 'tanzania': 'TZ',
             'republique democratique du congo': 'CD', 'russia': 'RU', 'russie': 'RU', 'syria': 'SY',
             'syrie': 'SY', 'iran': 'IR', 'bolivia': 'BO', 'bolivie': 'BO', 'venezuela': 'VE', 'laos': 'LA',
             'vietnam': 'VN', 'viet nam': 'VN', 'moldova': 'MD', 'moldavie': 'MD', 'cape verde': 'CV',
             'swaziland': 'SZ', 'burma': 'MM', 'birmanie': 'MM', 'east timor': 'TL', 'kosovo': 'XK',
             'eeuu': 'US', 'ee uu': 'US', 'estados unidos': 'US', 'timor leste': 'TL', 'guine bissau': 'GW',
             'republica democratica do congo': 'CD', 'republica democratica del congo': 'CD'}
    for name, code in extra.items():
        table.setdefault(name, code)
    return table


def parse_country(value: str) -> str | None:
    return country_lookup().get(words(value)) if value else None
