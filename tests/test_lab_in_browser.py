"""JupyterLab as `make lab` starts it, driven by a headless Chromium as a learner drives it.

Fresh workbook notebooks 00 and 05 are opened, run with Run > Run All Cells and saved with File > Save; the
saved files must show every cell run and no error. Then a correct identity block is typed into 05's exercise,
the notebook is run again, and its check must pass with the learner's code. The browser is Debian's chromium
with its chromedriver (scripts/ensure-browser.sh), driven by Selenium; nothing is downloaded.

Screenshots go to $BROWSER_SCREENSHOTS (default: the test's temporary folder).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

import nbformat
import pytest
from browser_tools import chromium, free_port, screenshot_folder, wait_for

from course import ROOT

TOKEN = "course-browser-test"
# A correct identity block, one statement per line, as a learner types it into the exercise
IDENTITY_BLOCK_LINES = [
    "X = Conv2D(filters=F2, kernel_size=(f, f), strides=(1, 1), padding='same', name=named(conv_name_base, '2b'), "
    "kernel_initializer=initializer(seed=0))(X)",
    "X = BatchNormalization(axis=3, name=named(bn_name_base, '2b'))(X, training=training)",
    "X = Activation('relu')(X)",
    "X = Conv2D(filters=F3, kernel_size=1, strides=(1, 1), padding='valid', name=named(conv_name_base, '2c'), "
    "kernel_initializer=initializer(seed=0))(X)",
    "X = BatchNormalization(axis=3, name=named(bn_name_base, '2c'))(X, training=training)",
    "X = Add()([X, X_shortcut])",
    "X = Activation('relu')(X)",
]


def start_lab(tmp_path_factory, lang="en"):
    """`make lab` (LANG=ko: `make lab LANG=ko`) on a copy of the lessons: the workbook is generated, JupyterLab
    serves the project."""
    project = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "notebooks", project / "notebooks", ignore=shutil.ignore_patterns("output"))
    shutil.copytree(ROOT / "locale", project / "locale")
    port = free_port()
    log = open(project / "lab.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "course", "lab", "--project", str(project), "--lang", lang,
                                "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
                                f"--IdentityProvider.token={TOKEN}"], stdout=log, stderr=subprocess.STDOUT, cwd=project,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("JupyterLab did not start:\n" + (project / "lab.log").read_text())
    yield {"url": url, "project": project, "workbook": "workbook" if lang == "en" else f"{lang}/workbook"}
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from start_lab(tmp_path_factory)


@pytest.fixture(scope="module")
def korean_server(tmp_path_factory):
    yield from start_lab(tmp_path_factory, "ko")


@pytest.fixture(scope="module")
def browser():
    driver = chromium()
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    return screenshot_folder(tmp_path_factory)


def menu(driver, top, command):
    """Click a top menu (e.g. "Run") and then its item with the given JupyterLab command id."""
    from selenium.webdriver.common.by import By

    bar = wait_for(lambda: [item for item in driver.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-item")
                            if item.text.strip() == top], 30, f"the {top} menu")
    bar[0].click()
    item = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, f'.lm-Menu-item[data-command="{command}"]'),
                    10, f"{command} in the {top} menu")
    item[0].click()


def open_notebook(driver, server, name):
    from selenium.webdriver.common.by import By

    driver.get(f"{server['url']}/lab/tree/{server['workbook']}/{name}?token={TOKEN}")
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel .jp-Cell"), 120, f"{name} to open")
    wait_for(lambda: kernel_idle(server), 120, "the kernel to start")
    time.sleep(2)  # let the first-launch notifications, if any, appear


def kernel_idle(server):
    # jupyter_server 2.21 answers 500 if /api/kernels is read in the instant between a starting kernel's entering
    # the kernel list and its being given last_activity (kernel_model raises traitlets' TraitError on the unset
    # trait; list_kernels catches only HTTPError and KeyError): it happened once in CI on a loaded 2-core machine.
    # That is "not idle yet"; wait_for still fails after its timeout if the kernel never comes up.
    try:
        with urllib.request.urlopen(f"{server['url']}/api/kernels?token={TOKEN}", timeout=5) as response:
            kernels = json.load(response)
    except urllib.error.HTTPError as error:
        if error.code == 500:
            return False
        raise
    return kernels and all(kernel["execution_state"] == "idle" for kernel in kernels)


def no_interruptions(driver):
    """No dialog and no notification (e.g. JupyterLab's "fetch Jupyter news?" question) on screen."""
    from selenium.webdriver.common.by import By

    dialogs = [element.text for element in driver.find_elements(By.CSS_SELECTOR, ".jp-Dialog")]
    toasts = [element.text for element in driver.find_elements(By.CSS_SELECTOR, ".Toastify__toast")]
    return dialogs, toasts


def run_all_and_save(driver, path, previous_counts=0, timeout=300):
    """Run > Run All Cells, then File > Save until the saved file shows every code cell run; return it."""
    menu(driver, "Run", "runmenu:run-all")

    def saved_and_done():
        menu(driver, "File", "docmanager:save")
        time.sleep(1)
        nb = nbformat.read(path, as_version=4)
        code = [cell for cell in nb.cells if cell.cell_type == "code"]
        errors = [output for cell in code for output in cell.outputs if output.output_type == "error"]
        if errors:
            return nb  # Run All stopped at an error: return it for the assertions to show
        counts = [cell.execution_count for cell in code]
        if all(counts) and min(counts) > previous_counts:
            return nb
        return None
    return wait_for(saved_and_done, timeout, f"{path.name} to run to the end")


def assert_ran_without_errors(nb):
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    errors = [f"{output.ename}: {output.evalue}" for cell in code for output in cell.outputs
              if output.output_type == "error"]
    assert errors == []
    counts = [cell.execution_count for cell in code]
    assert counts == sorted(counts) and len(set(counts)) == len(counts) and all(counts)


def type_solution(driver, function, lines):
    """Scroll to the exercise that defines ``function``, delete its `raise NotImplementedError()` and type ``lines``
    in its place, as a learner does (the editor keeps the function body's indentation after each Enter)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    scroller = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"
    driver.execute_script(f"document.querySelector('{scroller}').scrollTop = 0")
    time.sleep(1)
    stub = (f"//div[contains(@class,'jp-CodeCell')][.//div[contains(@class,'cm-line')][contains(., 'def {function}(')]]"
            "//div[contains(@class,'cm-line')][contains(., 'raise NotImplementedError()')]")

    def stub_line():
        found = [element for element in driver.find_elements(By.XPATH, stub) if element.is_displayed()]
        if found:
            return found
        driver.execute_script(f"document.querySelector('{scroller}').scrollTop += 300")
        time.sleep(0.3)
        return None
    line = wait_for(stub_line, 60, f"the stub of {function}")[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", line)
    time.sleep(0.5)
    actions = ActionChains(driver)
    actions.move_to_element(line).click()
    actions.send_keys(Keys.END)
    for _ in range(len("raise NotImplementedError()")):
        actions.send_keys(Keys.BACKSPACE)
    for index, text in enumerate(lines):
        actions.send_keys(text)
        if index < len(lines) - 1:
            actions.send_keys(Keys.ENTER)
    actions.send_keys(Keys.ESCAPE)
    actions.perform()


def screenshot_output(driver, text, path):
    """Scroll the first cell output that contains ``text`` to the middle of the window, and take a screenshot."""
    output = wait_for(lambda: driver.find_elements(
        "xpath", f"//div[contains(@class,'jp-OutputArea-output')][contains(., '{text}')]"), 30, "the check's output")[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", output)
    time.sleep(0.5)
    driver.save_screenshot(str(path))


def test_run_all_in_fresh_workbook_notebooks_then_solve_05(server, browser, screenshots):
    project = server["project"]
    for name in ("00_start_here.ipynb", "05_identity_block.ipynb"):
        open_notebook(browser, server, name)
        assert no_interruptions(browser) == ([], []), "a dialog or notification interrupts the learner"
        nb = run_all_and_save(browser, project / "workbook" / name)
        browser.save_screenshot(str(screenshots / f"{name[:2]}_after_run_all.png"))
        assert_ran_without_errors(nb)
        checks = [cell for cell in nb.cells if cell.cell_type == "code" and " = check_" in cell.source]
        assert checks and all("is not written yet" in "".join(o.get("text", "") for o in cell.outputs)
                              for cell in checks)

    # 05 is still open: write the identity block, run everything again, and the check passes with it
    before = max(cell.execution_count for cell in nb.cells if cell.cell_type == "code")
    type_solution(browser, "identity_block", IDENTITY_BLOCK_LINES)
    browser.save_screenshot(str(screenshots / "05_solution_typed.png"))
    nb = run_all_and_save(browser, project / "workbook" / "05_identity_block.ipynb", previous_counts=before)
    assert_ran_without_errors(nb)
    exercise = next(cell for cell in nb.cells if "def identity_block(" in cell.source)
    assert "X = Add()([X, X_shortcut])" in exercise.source and "NotImplementedError" not in exercise.source
    check = next(cell for cell in nb.cells if cell.source.startswith("identity_block = check_identity_block("))
    printed = "".join(output.get("text", "") for output in check.outputs)
    assert printed == ("identity_block matches the reference: layers, shortcut and training.\n"
                       "identity_block computes the reference's values.\n")
    screenshot_output(browser, "identity_block matches", screenshots / "05_check_passes.png")


def test_the_korean_workbook_speaks_korean(korean_server, browser, screenshots):
    """make lab LANG=ko: the Korean workbook's prose is Korean, and so are the checks' messages, printed by the
    helpers in a kernel that JupyterLab started in ko/workbook/; the code is the English workbook's."""
    name = "06_convolutional_block.ipynb"
    project = korean_server["project"]
    open_notebook(browser, korean_server, name)
    assert no_interruptions(browser) == ([], [])
    nb = run_all_and_save(browser, project / "ko" / "workbook" / name)
    assert_ran_without_errors(nb)
    hangul = re.compile(r"[\uac00-\ud7a3]")
    assert all(hangul.search(cell.source) for cell in nb.cells if cell.cell_type == "markdown")
    checks = [cell for cell in nb.cells if cell.cell_type == "code" and " = check_" in cell.source]
    printed = ["".join(o.get("text", "") for o in cell.outputs) for cell in checks]
    assert checks and all(hangul.search(text) and "is not written yet" not in text for text in printed), printed
    screenshot_output(browser, "convolutional_block", screenshots / "ko_06_check.png")


def test_hints_open_from_the_keyboard_and_every_figure_is_described(server, browser, screenshots):
    """A keyboard user opens a hint with Tab and Enter (a <details> summary, focusable), and a screen reader reads
    every figure's alt text, in the workbook as the learner's Run All left it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    open_notebook(browser, server, "05_identity_block.ipynb")  # run in full by the test above
    # JupyterLab draws only the cells in view: scroll through the notebook and collect every figure on the way
    shown = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the open tab (00's panel is there too, hidden)
    panel = browser.find_element(By.CSS_SELECTOR, f"{shown} .jp-WindowedPanel-outer")
    wait_for(lambda: browser.execute_script("return arguments[0].scrollHeight", panel) > 3000, 60, "the notebook")
    described = {}
    for _ in range(400):
        for image in browser.find_elements(By.CSS_SELECTOR, f"{shown} .jp-OutputArea-output img"):
            described[image.get_attribute("src")[-64:]] = image.get_attribute("alt")
        if browser.execute_script("const p = arguments[0]; p.scrollBy(0, 500); "
                                  "return p.scrollTop + p.clientHeight >= p.scrollHeight - 2;", panel):
            break
        time.sleep(0.05)
    assert described, "the figures of 05 were not found"
    assert all(len((alt or "").split()) >= 8 for alt in described.values()), described
    browser.execute_script("arguments[0].scrollTop = 0", panel)
    summary = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, f"{shown} .jp-RenderedMarkdown details > summary"),
                       30, "a hint")[0]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
    browser.execute_script("arguments[0].focus()", summary)
    assert browser.switch_to.active_element == summary, "a hint's summary takes the keyboard focus"
    summary.send_keys(Keys.ENTER)
    details = summary.find_element(By.XPATH, "..")
    wait_for(lambda: details.get_attribute("open") is not None, 10, "the hint to open with Enter")
    browser.save_screenshot(str(screenshots / "05_hint_opened_from_the_keyboard.png"))
    summary.send_keys(Keys.SPACE)
    wait_for(lambda: details.get_attribute("open") is None, 10, "the hint to close with Space")
