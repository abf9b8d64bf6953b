"""speechsite/compact.py: indentation goes, what white space means stays."""

from speechsite.compact import without_indentation


def test_indentation_and_blank_lines_become_one_line_break():
    html = '<nav>\n    <ul>\n      <li>\n\n        <a href="x">一</a>\n      </li>\n    </ul>\n</nav>\n'
    assert without_indentation(html) == '<nav>\n<ul>\n<li>\n<a href="x">一</a>\n</li>\n</ul>\n</nav>\n'


def test_preformatted_text_scripts_and_styles_are_left_as_they_are():
    kept = ['<pre>  第一行\n    缩进的第二行\n</pre>', '<textarea>\n  留言\n</textarea>',
            '<script>\n  const text = `a\n    b`;\n</script>', '<STYLE media="print">\n  p { color: red }\n</STYLE>']
    html = "\n  <p>正文</p>\n  ".join(kept)
    assert without_indentation(html) == "\n<p>正文</p>\n".join(kept)


def test_text_without_line_breaks_is_unchanged():
    html = "<p>同志们：  今天  我们召开会议。</p>"
    assert without_indentation(html) == html
