"""Document templates shipped with svcctl (Jinja2, rendered sandboxed), one folder per language.
An office overrides one by putting a file of the same name under <records>/templates/, e.g.
<records>/templates/zh/workorder.txt."""
