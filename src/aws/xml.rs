//! A small XML writer for AWS responses: elements, escaped text, nothing
//! else (AWS's Query responses use no attributes but the root's `xmlns`).

/// An XML document being written. Elements close in order; [`Xml::finish`]
/// closes what is still open.
#[derive(Debug)]
pub struct Xml {
    out: String,
    root: String,
    open: Vec<String>,
}

impl Xml {
    /// `<?xml ...?>` and the root element, with `xmlns` when given.
    pub fn new(root: &str, xmlns: Option<&str>) -> Self {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<");
        out.push_str(root);
        if let Some(ns) = xmlns {
            out.push_str(" xmlns=\"");
            escape_into(&mut out, ns);
            out.push('"');
        }
        out.push('>');
        Xml {
            out,
            root: root.to_string(),
            open: Vec::new(),
        }
    }

    /// Opens `<name>`.
    pub fn open(&mut self, name: &str) -> &mut Self {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        self.open.push(name.to_string());
        self
    }

    /// Closes the innermost open element.
    pub fn close(&mut self) -> &mut Self {
        if let Some(name) = self.open.pop() {
            self.out.push_str("</");
            self.out.push_str(&name);
            self.out.push('>');
        }
        self
    }

    /// `<name>text</name>`, the text escaped.
    pub fn text(&mut self, name: &'static str, value: &str) -> &mut Self {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        escape_into(&mut self.out, value);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    /// [`Xml::text`] when there is a value; nothing otherwise.
    pub fn opt(&mut self, name: &'static str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            self.text(name, v);
        }
        self
    }

    /// `<name>true</name>` or `false`.
    pub fn bool(&mut self, name: &'static str, value: bool) -> &mut Self {
        self.text(name, if value { "true" } else { "false" })
    }

    /// A list: `<name>` with one `<item>` per element, each written by `each`.
    pub fn items<T>(
        &mut self,
        name: &'static str,
        items: impl IntoIterator<Item = T>,
        mut each: impl FnMut(&mut Xml, T),
    ) -> &mut Self {
        self.open(name);
        for it in items {
            self.open("item");
            each(self, it);
            self.close();
        }
        self.close()
    }

    /// A list in the Query services' shape: `<name>` with one `<member>` per element.
    pub fn members<T>(
        &mut self,
        name: &'static str,
        items: impl IntoIterator<Item = T>,
        mut each: impl FnMut(&mut Xml, T),
    ) -> &mut Self {
        self.open(name);
        for it in items {
            self.open("member");
            each(self, it);
            self.close();
        }
        self.close()
    }

    /// Closes what is open, then the root.
    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.out.push_str("</");
        self.out.push_str(&self.root);
        self.out.push('>');
        self.out
    }
}

/// Escapes text for element content and attribute values. Characters XML
/// 1.0 cannot carry (C0 controls other than tab, newline and carriage
/// return) become U+FFFD; carriage return and tab are written as
/// character references so that parsers keep them.
pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#xD;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push('\n'),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_elements_nest() {
        let mut x = Xml::new(
            "DescribeVpcsResponse",
            Some("http://ec2.amazonaws.com/doc/2016-11-15/"),
        );
        x.text("requestId", "r-1");
        x.items("tagSet", [("a<b", "x&y \"q\" 'z'")], |x, (k, v)| {
            x.text("key", k).text("value", v);
        });
        x.bool("isDefault", false);
        assert_eq!(
            x.finish(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <DescribeVpcsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
             <requestId>r-1</requestId>\
             <tagSet><item><key>a&lt;b</key><value>x&amp;y &quot;q&quot; &apos;z&apos;</value></item></tagSet>\
             <isDefault>false</isDefault></DescribeVpcsResponse>"
        );
    }

    #[test]
    fn characters_xml_cannot_carry_are_replaced() {
        assert_eq!(
            escape("a\u{0}b\u{1b}c\td\re\nf"),
            "a\u{FFFD}b\u{FFFD}c&#x9;d&#xD;e\nf"
        );
        assert_eq!(escape("]]>"), "]]&gt;");
    }
}
