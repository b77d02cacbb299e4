"""Writes the sign-in sheet corpus of this folder: sheets shaped like the ones trainers bring back from venues, each
with ``<sheet>.expected.json`` next to it (the persons, sexes, countries and days a reader must find, and the counts
of rows, blank rows skipped, rows folded into another row of the same person, rows rejected, notes under the table).

    python tests/data/sheets/make_sheets.py     # rewrites every file; the output is committed

The expectations are written by hand below, not computed: the tests compare the reader against them.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).parent
FIXED = datetime(2025, 1, 1)


def csv_bytes(rows, *, sep=',', encoding='utf-8', bom=False, crlf=False) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator='\r\n' if crlf else '\n').writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b'\xef\xbb\xbf' + data) if bom else data


def save_xlsx(book: Workbook, name: str) -> None:
    book.properties.created = book.properties.modified = FIXED
    book.save(HERE / name)


def expect(name: str, *, start: str, end: str, persons: list[dict], rows: int, skipped: int = 0, merged: int = 0,
           rejected: int = 0, notes: int = 0, problem: str | None = None, about: str = '') -> None:
    data = {'sheet': name, 'about': about, 'session': {'start': start, 'end': end}, 'rows': rows,
            'skipped': skipped, 'merged_in_sheet': merged, 'rejected': rejected, 'notes': notes, 'problem': problem,
            'persons': persons}
    (HERE / f'{name}.expected.json').write_text(json.dumps(data, ensure_ascii=False, indent=1) + '\n', 'utf-8')


def p(full_name, sex, country, days, **extra) -> dict:
    return {'full_name': full_name, 'sex': sex, 'country': country, 'days': days, **extra}


D1, D2, D3 = '2025-03-10', '2025-03-11', '2025-03-12'


def french_excel_csv():
    """French Excel "CSV UTF-8": BOM, semicolons, CRLF, title lines, numbered blank rows, a person twice, a footer."""
    name = 'fr_excel_utf8_semicolon.csv'
    rows = [
        ['Atelier sur la prévention des atrocités – liste de présence', '', '', '', '', '', '', '', '', ''],
        ['Dakar, du 10 au 12 mars 2025', '', '', '', '', '', '', '', '', ''],
        [''] * 10,
        ['N°', 'Nom et prénoms', 'Sexe (F/M)', 'Institution / Organisation', 'Pays', 'E-mail *', 'Jour 1',
         'Jour 2', 'Jour 3', 'Signature'],
        ['1', 'DIALLO, Amina', 'F', 'Ligue sénégalaise des droits humains', 'Sénégal', 'Amina.Diallo@example.org',
         'X', 'X', '', 'AD'],
        ['2', 'Mamadou Ndiaye', 'M', 'Ministère de la Justice', 'SN', '', 'x', 'x', 'x', 'MN'],
        ['3', 'Fatou Sow', 'F', 'CNDH', 'Sénégal', 'fatou.sow@example.org', 'X', '', 'X', ''],
        ['4', 'Amina Diallo', 'F', '', 'SN', 'amina.diallo@EXAMPLE.org', '', '', 'X', ''],
        ['5', 'Ousmane Ba', 'M', 'Gendarmerie nationale', 'Sénégal', '', 'X', 'X', 'X', 'OB'],
        ['6', '', '', '', '', '', '', '', '', ''],
        ['7', '', '', '', '', '', '', '', '', ''],
        ['8', '', '', '', '', '', '', '', '', ''],
        ['Facilitateurs : Jean Dupont, Awa Sy Traoré', '', '', '', '', '', '', '', '', ''],
    ]
    (HERE / name).write_bytes(csv_bytes(rows, sep=';', bom=True, crlf=True))
    expect(name, start=D1, end=D3, rows=5, skipped=3, merged=1, notes=1, about=french_excel_csv.__doc__,
           persons=[p('DIALLO, Amina', 'female', 'SN', [D1, D2, D3], email='amina.diallo@example.org'),
                    p('Mamadou Ndiaye', 'male', 'SN', [D1, D2, D3]),
                    p('Fatou Sow', 'female', 'SN', [D1, D3], email='fatou.sow@example.org'),
                    p('Ousmane Ba', 'male', 'SN', [D1, D2, D3])])


def windows_1252_csv():
    """Older French Excel "CSV (séparateur: point-virgule)": Windows-1252, separate Nom and Prénom columns."""
    name = 'fr_windows1252.csv'
    rows = [
        ['Nom', 'Prénom', 'Sexe', 'Structure', "Type d'organisation", 'Pays', 'Courriel', 'Présence J1',
         'Présence J2'],
        ['KOUASSI', 'Hélène', 'Femme', 'Ministère de la Défense', 'Gouvernement', "Côte d'Ivoire", '', 'X', 'X'],
        ['Yao', 'Koffi Désiré', 'Homme', 'Forces armées', 'Militaire', 'CIV', 'k.yao@example.ci', 'X', ''],
        ['Traoré', 'Aïcha', 'F', 'Société civile', 'ONG', 'Mali', '', '', 'x'],
    ]
    (HERE / name).write_bytes(csv_bytes(rows, sep=';', encoding='cp1252', crlf=True))
    expect(name, start=D1, end=D2, rows=3, about=windows_1252_csv.__doc__,
           persons=[p('Hélène KOUASSI', 'female', 'CI', [D1, D2]), p('Koffi Désiré Yao', 'male', 'CI', [D1]),
                    p('Aïcha Traoré', 'female', 'ML', [D2])])


def utf16_unicode_text():
    """Excel "Unicode text": UTF-16 LE with BOM, tab-separated, English headers, check marks and "yes"."""
    name = 'en_unicode_text.txt'
    rows = [
        ['Full name', 'Gender', 'Organization', 'Country', 'Email', 'Day 1', 'Day 2'],
        ['Grace Mwangi', 'Female', 'Kenya National Commission on Human Rights', 'Kenya', 'grace@example.ke', '✓',
         '✓'],
        ['Peter Otieno', 'Male', 'National Police Service', 'KE', '', '✓', ''],
        ['Wanjiru Kamau', 'female', 'University of Nairobi', 'KEN', '', 'yes', 'yes'],
        ['Samuel Kiprop', 'M', '', 'Uganda', 'SKIPROP@example.ug', '', '✔'],
    ]
    out = io.StringIO()
    csv.writer(out, delimiter='\t', lineterminator='\r\n').writerows(rows)
    (HERE / name).write_bytes(out.getvalue().encode('utf-16'))
    expect(name, start=D1, end=D2, rows=4, about=utf16_unicode_text.__doc__,
           persons=[p('Grace Mwangi', 'female', 'KE', [D1, D2]), p('Peter Otieno', 'male', 'KE', [D1]),
                    p('Wanjiru Kamau', 'female', 'KE', [D1, D2]),
                    p('Samuel Kiprop', 'male', 'UG', [D2], email='skiprop@example.ug')])


def xlsx_title_merged_dates():
    """XLSX with a merged title, a place and date line, a two-row header (Name merged over both rows, a merged
    "Attendance" cell over real date cells), numbered blank rows and a "Prepared by" footer."""
    name = 'en_title_merged_dates.xlsx'
    book = Workbook()
    ws = book.active
    ws.title = 'Attendance'
    ws.append(['Workshop on the Framework of Analysis for Atrocity Crimes – attendance list'])
    ws.merge_cells('A1:H1')
    ws['A1'].font = Font(bold=True, size=14)
    ws.append(['Nairobi, 10–12 March 2025'])
    ws.append([])
    ws.append(['No.', 'Name', 'Sex (M/F)', 'Organisation', 'Country', 'Attendance', None, None])
    ws.append([None, None, None, None, None, date(2025, 3, 10), date(2025, 3, 11), date(2025, 3, 12)])
    for col in 'ABCDE':
        ws.merge_cells(f'{col}4:{col}5')
    ws.merge_cells('F4:H4')
    for cell in ws[5][5:8]:
        cell.number_format = 'dd/mm/yyyy'
    ws.append([1, 'Achieng Odhiambo', 'F', 'Kenya Red Cross', 'Kenya', 'X', 'X', 'X'])
    ws.append([2, 'Joseph Mutua', 'M', 'Ministry of Interior', 'Kenya', 'X', None, 'X'])
    ws.append([3, 'HASSAN Abdi', 'M', 'Garissa County', 'KE', None, 'x', 'x'])
    ws.append([4, 'Mary Wambui', 'F', 'Media Council', 'Kenya', 1, 1, 0])
    for n in range(5, 9):
        ws.append([n])
    ws.append([])
    ws.append(['Prepared by: L. Njeri, programme officer'])
    ws.merge_cells(f'A{ws.max_row}:H{ws.max_row}')
    ws['A4'].alignment = Alignment(vertical='center')
    save_xlsx(book, name)
    expect(name, start=D1, end=D3, rows=4, skipped=4, notes=1, about=xlsx_title_merged_dates.__doc__,
           persons=[p('Achieng Odhiambo', 'female', 'KE', [D1, D2, D3]), p('Joseph Mutua', 'male', 'KE', [D1, D3]),
                    p('HASSAN Abdi', 'male', 'KE', [D2, D3]), p('Mary Wambui', 'female', 'KE', [D1, D2])])


def spanish_xlsx_hidden_first_sheet():
    """Spanish XLSX whose first worksheet (instructions) is hidden; "Sexo (H/M)" where M is mujer; Día columns."""
    name = 'es_hidden_first_sheet.xlsx'
    book = Workbook()
    hidden = book.active
    hidden.title = 'Instrucciones'
    hidden.append(['Nombre', 'No borrar'])
    hidden.append(['Ejemplo Persona', 'x'])
    hidden.sheet_state = 'hidden'
    ws = book.create_sheet('Asistencia')
    ws.append(['Taller regional – Ciudad de Guatemala'])
    ws.append(['N.º', 'Nombre y apellidos', 'Sexo (H/M)', 'Institución', 'País', 'Correo electrónico', 'Día 1',
               'Día 2'])
    ws.append([1, 'María José López', 'M', 'Procuraduría de los Derechos Humanos', 'Guatemala', 'mjlopez@example.gt',
               'sí', 'sí'])
    ws.append([2, 'Juan Carlos Pérez', 'H', 'Ministerio de Gobernación', 'GT', None, 'X', None])
    ws.append([3, 'Ana Lucía Gómez', 'M', 'Universidad de San Carlos', 'Honduras', None, None, 'X'])
    ws.append([4, 'Luis Hernández', 'H', 'Policía Nacional Civil', 'Guatemala', None, 'x', 'x'])
    save_xlsx(book, name)
    expect(name, start=D1, end=D2, rows=4, about=spanish_xlsx_hidden_first_sheet.__doc__,
           persons=[p('María José López', 'female', 'GT', [D1, D2]), p('Juan Carlos Pérez', 'male', 'GT', [D1]),
                    p('Ana Lucía Gómez', 'female', 'HN', [D2]), p('Luis Hernández', 'male', 'GT', [D1, D2])])


def portuguese_csv():
    """Portuguese CSV (comma, UTF-8 without BOM): "Nome completo", "Organização", "Dia 1" with "sim" and "P"."""
    name = 'pt_comma_utf8.csv'
    rows = [
        ['Lista de presenças – Formação em prevenção, Maputo'],
        [],
        ['Nº', 'Nome completo', 'Sexo', 'Organização', 'País', 'E-mail', 'Dia 1', 'Dia 2', 'Dia 3'],
        ['1', 'Ana Paula Machava', 'Feminino', 'Liga dos Direitos Humanos', 'Moçambique', 'ana@example.mz', 'sim',
         'sim', 'sim'],
        ['2', 'João Manuel Sitoe', 'Masculino', 'Polícia da República', 'MZ', '', 'P', 'P', ''],
        ['3', 'Teresa Cossa', 'F', 'Universidade Eduardo Mondlane', 'Moçambique', '', '', 'P', 'P'],
        ['4', 'Carlos Alberto Nhantumbo', 'M', 'Ministério da Justiça', 'Angola', '', 'sim', '', 'sim'],
    ]
    (HERE / name).write_bytes(csv_bytes(rows))
    expect(name, start=D1, end=D3, rows=4, about=portuguese_csv.__doc__,
           persons=[p('Ana Paula Machava', 'female', 'MZ', [D1, D2, D3]),
                    p('João Manuel Sitoe', 'male', 'MZ', [D1, D2]),
                    p('Teresa Cossa', 'female', 'MZ', [D2, D3]), p('Carlos Alberto Nhantumbo', 'male', 'AO', [D1, D3])])


def person_twice_csv():
    """English CSV where one person signed twice ("Otieno, Peter" / "PETER OTIENO", KE / Kenya) on different
    days, and another twice by email in another case."""
    name = 'en_person_twice.csv'
    rows = [
        ['Name', 'Sex', 'Organisation', 'Country', 'Email', 'Day 1', 'Day 2', 'Day 3'],
        ['Otieno, Peter', 'M', 'National Police Service', 'KE', '', 'X', '', ''],
        ['Grace Mwangi', 'F', 'KNCHR', 'Kenya', 'grace@example.ke', 'X', '', ''],
        ['PETER OTIENO', '', '', 'Kenya', '', '', 'X', 'X'],
        ['Grace W. Mwangi', 'F', 'KNCHR', 'Kenya', 'GRACE@EXAMPLE.KE', '', 'X', ''],
        ['Esther Chebet', 'F', 'Kenya Red Cross', 'KE', '', 'X', 'X', 'X'],
    ]
    (HERE / name).write_bytes(csv_bytes(rows))
    expect(name, start=D1, end=D3, rows=5, merged=2, about=person_twice_csv.__doc__,
           persons=[p('Otieno, Peter', 'male', 'KE', [D1, D2, D3]), p('Grace Mwangi', 'female', 'KE', [D1, D2]),
                    p('Esther Chebet', 'female', 'KE', [D1, D2, D3])])


def numbered_blank_rows_xlsx():
    """French XLSX printed with 15 numbered lines and a signature column; 4 filled in by hand; notes below."""
    name = 'fr_numbered_blank_rows.xlsx'
    book = Workbook()
    ws = book.active
    ws.title = 'Feuille1'
    ws.append(['FICHE DE PRÉSENCE'])
    ws.append(['Lieu : Bamako', None, None, 'Date : 10/03/2025'])
    ws.append(['N°', 'Nom & Prénom(s)', 'Sexe', 'Fonction', 'Structure', 'Téléphone', 'Signature'])
    filled = {1: ['Moussa Keïta', 'H', 'Juge', 'Tribunal de grande instance', '+223 70 00 00 01', 'MK'],
              2: ['Mariam Coulibaly', 'F', 'Journaliste', 'ORTM', '', 'M.C.'],
              4: ['Boubacar Touré', 'H', 'Commissaire', 'Police nationale', '', ''],
              7: ['Kadiatou Diarra', 'F', 'Présidente', 'Association des femmes juristes', '', 'KD']}
    for n in range(1, 16):
        ws.append([n, *filled.get(n, [])])
    ws.append([])
    ws.append(['NB : les participants sans signature ont été pointés par le facilitateur.'])
    ws.append(['Total', None, None, None, None, None, 4])
    save_xlsx(book, name)
    expect(name, start=D1, end=D1, rows=4, skipped=11, notes=2, about=numbered_blank_rows_xlsx.__doc__,
           persons=[p('Moussa Keïta', 'male', None, []), p('Mariam Coulibaly', 'female', None, []),
                    p('Boubacar Touré', 'male', None, []), p('Kadiatou Diarra', 'female', None, [])])


def dates_as_headers_csv():
    """English CSV whose day columns are the dates themselves (day/month/year), marks 1 and 0."""
    name = 'en_dates_as_headers.csv'
    rows = [
        ['Participant name', 'Gender', 'Institution', 'Nationality', '10/03/2025', '11/03/2025'],
        ['Nasra Hussein', 'F', 'Somali Women Development Centre', 'Somalia', '1', '1'],
        ['Abdirahman Farah', 'M', 'Ministry of Justice', 'SO', '1', '0'],
        ['Hodan Ali', 'F', 'Puntland State University', 'SOM', '0', '1'],
    ]
    (HERE / name).write_bytes(csv_bytes(rows))
    expect(name, start=D1, end=D2, rows=3, about=dates_as_headers_csv.__doc__,
           persons=[p('Nasra Hussein', 'female', 'SO', [D1, D2]), p('Abdirahman Farah', 'male', 'SO', [D1]),
                    p('Hodan Ali', 'female', 'SO', [D2])])


def unclosed_quote_csv():
    """A stray opening quote must not fold the next person into this one (issue 11, item 13)."""
    name = 'en_unclosed_quote.csv'
    text = ('Full name,Sex,Country,Email\n'
            '"Lina Haddad,F,Lebanon,lina@example.lb\n'
            'Omar Khalil,M,LB,\n'
            'Rania Saab,F,Lebanon,\n')
    (HERE / name).write_bytes(text.encode())
    expect(name, start=D1, end=D1, rows=3, about=unclosed_quote_csv.__doc__,
           persons=[p('Lina Haddad', 'female', 'LB', []), p('Omar Khalil', 'male', 'LB', []),
                    p('Rania Saab', 'female', 'LB', [])])


def header_only_csv():
    """A header and nothing under it: nothing to import, said plainly (issue 11, item 13)."""
    name = 'en_header_only.csv'
    (HERE / name).write_bytes(csv_bytes([['Full name', 'Sex', 'Country', 'Email']], crlf=True))
    expect(name, start=D1, end=D1, rows=0, persons=[], problem='no persons under it', about=header_only_csv.__doc__)


def rejected_rows_csv():
    """English CSV with two bad rows (an unknown country, a broken email) among good ones."""
    name = 'en_some_rows_rejected.csv'
    rows = [
        ['Full name', 'Sex', 'Organisation type', 'Country', 'E-mail', 'Day 1', 'Day 2'],
        ['Aung Kyaw', 'M', 'Civil society', 'Myanmar', '', 'X', 'X'],
        ['Thida Win', 'F', 'Academia', 'Atlantis', '', 'X', ''],
        ['Min Thu', 'M', 'Media', 'MM', 'min.thu(at)example.org', 'X', 'X'],
        ['Su Su Hlaing', 'F', 'NGO', 'Thailand', 'susu@example.org', '', 'X'],
    ]
    (HERE / name).write_bytes(csv_bytes(rows))
    expect(name, start=D1, end=D2, rows=4, rejected=2, about=rejected_rows_csv.__doc__,
           persons=[p('Aung Kyaw', 'male', 'MM', [D1, D2]), p('Su Su Hlaing', 'female', 'TH', [D2])])


def spanish_excel_csv():
    """Spanish Excel CSV: BOM, semicolons, CRLF, separate "Apellidos" and "Nombre", "Género", "Asistencia día N"."""
    name = 'es_excel_apellidos_nombre.csv'
    rows = [
        ['Lista de asistencia', '', '', '', '', '', ''],
        ['Apellidos', 'Nombre', 'Género', 'Organización', 'País', 'Asistencia día 1', 'Asistencia día 2'],
        ['Rodríguez Vargas', 'Carmen', 'Femenino', 'Defensoría del Pueblo', 'Colombia', 'X', 'X'],
        ['Gutiérrez', 'Andrés Felipe', 'Masculino', 'Ejército Nacional', 'CO', 'X', ''],
        ['Quispe Mamani', 'Rosa', 'Mujer', 'Universidad Mayor de San Andrés', 'Bolivia', '', 'X'],
    ]
    (HERE / name).write_bytes(csv_bytes(rows, sep=';', bom=True, crlf=True))
    expect(name, start=D1, end=D2, rows=3, about=spanish_excel_csv.__doc__,
           persons=[p('Carmen Rodríguez Vargas', 'female', 'CO', [D1, D2]),
                    p('Andrés Felipe Gutiérrez', 'male', 'CO', [D1]), p('Rosa Quispe Mamani', 'female', 'BO', [D2])])


def arabic_headers_csv():
    """Arabic headers (UTF-8 with BOM), English-written values."""
    name = 'ar_headers.csv'
    rows = [
        ['الرقم', 'الاسم الكامل', 'الجنس', 'المؤسسة', 'البلد', 'البريد الإلكتروني'],
        ['1', 'Layla Mansour', 'F', 'Ministry of Social Affairs', 'Jordan', ''],
        ['2', 'Yusuf Haddad', 'M', 'National Centre for Human Rights', 'JO', 'yusuf@example.jo'],
        ['3', '', '', '', '', ''],
    ]
    (HERE / name).write_bytes(csv_bytes(rows, bom=True))
    expect(name, start=D1, end=D1, rows=2, skipped=1, about=arabic_headers_csv.__doc__,
           persons=[p('Layla Mansour', 'female', 'JO', []), p('Yusuf Haddad', 'male', 'JO', [])])


def portuguese_xlsx_signatures():
    """Portuguese XLSX: "Nome" and "Apelido" columns, one signature column per day ("Assinatura dia 1")."""
    name = 'pt_signature_per_day.xlsx'
    book = Workbook()
    ws = book.active
    ws.append(['Nome', 'Apelido', 'Sexo', 'Instituição', 'País', 'Assinatura dia 1', 'Assinatura dia 2'])
    ws.append(['Domingos', 'Pereira', 'M', 'Tribunal Supremo', 'Guiné-Bissau', 'D. Pereira', 'D. Pereira'])
    ws.append(['Fernanda', 'Tavares', 'F', 'Rede de Mulheres', 'Cabo Verde', None, 'FTavares'])
    ws.append(['Zeferino', 'Lopes', 'M', 'Rádio Nacional', 'GW', 'ZL', None])
    save_xlsx(book, name)
    expect(name, start=D1, end=D2, rows=3, about=portuguese_xlsx_signatures.__doc__,
           persons=[p('Domingos Pereira', 'male', 'GW', [D1, D2]), p('Fernanda Tavares', 'female', 'CV', [D2]),
                    p('Zeferino Lopes', 'male', 'GW', [D1])])


ALL = [french_excel_csv, windows_1252_csv, utf16_unicode_text, xlsx_title_merged_dates,
       spanish_xlsx_hidden_first_sheet, portuguese_csv, person_twice_csv, numbered_blank_rows_xlsx,
       dates_as_headers_csv, unclosed_quote_csv, header_only_csv, rejected_rows_csv, spanish_excel_csv,
       arabic_headers_csv, portuguese_xlsx_signatures]

if __name__ == '__main__':
    for make in ALL:
        make()
    print(f'{len(ALL)} sheets written to {HERE}')
