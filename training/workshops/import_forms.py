"""The import preview's form: what each column means (a select per column, labelled with the column's header), the
worksheet of an XLSX file, what to do where a matched person's record and the sheet differ (keep the record, the
default, or take the sheet's value), and the buttons: apply the mapping, import every row, import the valid rows.

The page says what it showed in hidden fields (the choice shown per column, the trainer's mapping in effect, the
differences listed), so a submit is read without parsing the sheet again; a changed select is applied, never
imported unseen."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from flask_babel import format_date
from wtforms import HiddenField, RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from training.forms import Form
from training.i18n import _, _l
from training.workshops.sheets import FIELDS, IGNORE, mapping
from training.workshops.sheets.headers import column_letter
from training.workshops.sheets.vocab import STORED_FIELDS

#: Differences offered as a choice on the page (beyond, the records are kept)
MAX_DIFFERENCES = 300
KEEP, TAKE = 'record', 'sheet'


class PreviewForm(Form):
    token = HiddenField(validators=[DataRequired()])
    #: The choice shown for each column (``mapping.encode_choices``)
    shown = HiddenField()
    #: The trainer's mapping in effect on the page (``mapping.encode``)
    applied = HiddenField()
    #: The worksheet shown ('' for the first visible one, and for CSV)
    applied_sheet = HiddenField()
    #: The differences listed with a choice: "row:field row:field ..."
    differences = HiddenField()
    worksheet = SelectField(_l('Worksheet'), choices=[], validate_choice=False)
    apply = SubmitField(_l('Apply mapping'))
    submit = SubmitField(_l('Import these rows'))
    #: Import the valid rows when some are rejected (the default is all or nothing)
    accept_valid = SubmitField(_l('Import the valid rows now and leave the rejected ones out'))

    column_count = 0
    difference_keys: tuple[tuple[int, str], ...] = ()

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        chosen = self.chosen()
        for i, other in mapping.duplicates(chosen).items():
            field = self[f'col_{i}']
            field.errors = [*field.errors, _('%(field)s is already the meaning of column %(letter)s.',
                                             field=_(FIELDS[chosen[i]][0]), letter=column_letter(other))]
            ok = False
        return ok

    def columns(self) -> list:
        return [self[f'col_{i}'] for i in range(self.column_count)]

    def chosen(self) -> list[str]:
        return [f.data or IGNORE for f in self.columns()]

    def choices_for_differences(self) -> dict[tuple[int, str], object]:
        return {key: self[difference_name(*key)] for key in self.difference_keys}

    def use_sheet(self) -> set[tuple[int, str]]:
        """The (row, field) differences where the trainer took the sheet's value."""
        return {key for key, f in self.choices_for_differences().items() if f.data == TAKE}


def difference_name(row: int, name: str) -> str:
    return f'diff_{row}_{name}'


def column_options(days: list[date], current: str) -> list[SelectChoice]:
    """The meanings a column may take: every field, each of the session's days, or not used."""
    options = [SelectChoice(IGNORE, _('Not used'))]
    options += [SelectChoice(key, _(label)) for key, (label, _aliases) in FIELDS.items()]
    options += [SelectChoice(f'day:{n}', _('Present on day %(n)d (%(date)s)', n=n, date=format_date(d, 'medium')))
                for n, d in enumerate(days, 1)]
    if current == mapping.OUTSIDE:
        options.append(SelectChoice(mapping.OUTSIDE, _('A day that is not one of the session\'s days')))
    return options


def _form_class(headers: list[str], shown: list[str], differences: list[tuple[int, str]],
                days: list[date]) -> type[PreviewForm]:
    fields = {'column_count': len(shown), 'difference_keys': tuple(differences)}
    for i, current in enumerate(shown):
        header = headers[i] if i < len(headers) and headers[i].strip() else _('no title')
        fields[f'col_{i}'] = SelectField(_('Column %(letter)s: %(header)s', letter=column_letter(i), header=header),
                                         choices=column_options(days, current), default=current)
    for row, name in differences:
        fields[difference_name(row, name)] = RadioField(
            _('Row %(row)d: %(field)s', row=row, field=_(FIELDS[name][0])),
            choices=[SelectChoice(KEEP, _('Keep the record')), SelectChoice(TAKE, _('Take the sheet\'s value'))],
            default=KEEP)
    return type('PreviewFormFor', (PreviewForm,), fields)


@dataclass(frozen=True)
class Shown:
    """What a preview page showed, as its hidden fields say."""
    choices: list[str]
    applied: dict[int, str]
    sheet: str | None
    differences: list[tuple[int, str]]


def _read_differences(text: str | None) -> list[tuple[int, str]]:
    keys = []
    for part in (text or '').split()[:MAX_DIFFERENCES]:
        row, _sep, name = part.partition(':')
        if not row.isdigit() or name not in STORED_FIELDS:
            raise ValueError(part)
        keys.append((int(row), name))
    return keys


def shown_on_page(days: int) -> Shown:
    """The hidden fields of a submitted preview (400 when they are not what a preview page sends)."""
    form = PreviewForm()
    try:
        return Shown(mapping.decode_choices(form.shown.data), mapping.decode(form.applied.data, days),
                     (form.applied_sheet.data or '')[:100] or None, _read_differences(form.differences.data))
    except ValueError:
        abort(400)


def submitted_form(shown: Shown, days: list[date]) -> PreviewForm:
    """The preview form as submitted, with a select per column shown and a choice per difference listed."""
    return _form_class([], shown.choices, shown.differences, days)()


def preview_form(plan, days: list[date], *, token: str, applied: dict[int, str]) -> PreviewForm:
    """A fresh form for a preview: the plan's columns with their current meaning, its differences to choose, the
    worksheet read."""
    columns = plan.sheet.columns[:mapping.MAX_COLUMNS] if plan.sheet else []
    shown = [mapping.column_choice(c, days) for c in columns]
    differences = [(r.row, name) for r, name, _mine, _theirs in plan.differences[:MAX_DIFFERENCES]]
    cls = _form_class([c.header for c in columns], shown, differences, days)
    form = cls(formdata=None, token=token, shown=mapping.encode_choices(shown), applied=mapping.encode(applied),
               applied_sheet=(plan.sheet.sheet if plan.sheet else None) or '',
               differences=' '.join(f'{row}:{name}' for row, name in differences))
    sheets = plan.sheet.sheets if plan.sheet else []
    form.worksheet.choices = [SelectChoice(s, s) for s in sheets]
    form.worksheet.data = plan.sheet.sheet if plan.sheet else None
    return form


@dataclass(frozen=True)
class Choice:
    """What a submitted preview asks: show the preview again (``replan``) with this mapping and worksheet, or
    import with the mapping in effect."""
    replan: bool
    mapping: dict[int, str]
    sheet: str | None


def read_choice(form: PreviewForm, shown: Shown, valid: bool) -> Choice:
    if not valid:  # choices to correct: the preview of the mapping in effect, with the choices and their errors
        return Choice(True, shown.applied, shown.sheet)
    sheet = form.worksheet.data or None
    if sheet is not None and sheet != shown.sheet:
        return Choice(True, {}, sheet)  # another worksheet: its own columns, read afresh
    changes = mapping.changed(shown.choices, form.chosen())
    return Choice(bool(form.apply.data or changes), {**shown.applied, **changes}, shown.sheet)


def carry(posted: PreviewForm | None, form: PreviewForm) -> None:
    """Show a submitted form's choices and their errors on a fresh form of the same preview."""
    if posted is None:
        return
    for field in posted:
        if field.name.startswith(('col_', 'diff_')) and field.name in form:
            form[field.name].data = field.data
            form[field.name].errors = list(field.errors)
