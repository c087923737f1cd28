"""A first start fits a small screen: the window can be made as narrow as its layout allows
before it is shown. The minimum size Qt took while the docks were being added side by side
(about 1,600 px) used to hold until the layout ran again, so on a 1024 x 768 screen the
first window was 1,598 px wide, past the screen's right edge."""

from __future__ import annotations

from window_driver import settings_at

from zinspect.ui.main_window import MainWindow


def test_a_new_window_takes_a_laptop_width_before_it_is_shown(session, qtbot, tmp_path):
    main = MainWindow(settings=settings_at(tmp_path / "s.ini"), session=session)
    qtbot.addWidget(main)
    try:
        assert main.minimumWidth() <= 1024
        main.resize(1024, 700)
        assert (main.width(), main.height()) == (1024, 700)
        main.show()
        qtbot.waitExposed(main)
        assert main.width() == 1024
    finally:
        main.close()
        main.shutdown()
