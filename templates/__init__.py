"""Default texts shipped with svcctl; an office overrides one by putting a file of the same name in <records>/templates/."""
