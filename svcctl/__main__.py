from svcctl.cli.main import main

main()
