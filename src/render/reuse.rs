//! Whether a file of the previous site can be linked into the new one instead of written:
//! it holds exactly the new bytes, and it is a plain file only the previous site names.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// True when `old` is a regular file (not a link to one) with one name and exactly `bytes` as
/// its content. One name: a file the old site shares with anything else (a link someone made)
/// is never pulled into the new site. Any error reads as "different": the caller then writes.
pub fn same_bytes(old: &Path, bytes: &[u8]) -> bool {
    let Ok(file) = open_no_follow(old) else {
        return false;
    };
    let Ok(meta) = file.metadata() else {
        return false;
    };
    if !meta.is_file() || meta.len() != bytes.len() as u64 || links(&meta) != 1 {
        return false;
    }
    let mut content = Vec::with_capacity(bytes.len());
    // One byte more than expected: a file that grew since `metadata` is not the same.
    let read = file.take(bytes.len() as u64 + 1).read_to_end(&mut content);
    read.is_ok() && content == bytes
}

#[cfg(target_os = "linux")]
fn open_no_follow(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let flags = rustix::fs::OFlags::NOFOLLOW.bits() as i32;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
}

#[cfg(not(target_os = "linux"))]
fn open_no_follow(path: &Path) -> std::io::Result<File> {
    // Elsewhere the link check is done by name first; a race there only costs a rewrite.
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(std::io::Error::other("a symbolic link"));
    }
    File::open(path)
}

/// How many names the file has (1 where the platform cannot tell).
#[cfg(unix)]
pub(super) fn links(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

#[cfg(not(unix))]
pub(super) fn links(_meta: &std::fs::Metadata) -> u64 {
    1
}

#[cfg(test)]
mod tests {
    use super::same_bytes;

    #[test]
    fn only_a_plain_single_named_file_with_the_same_bytes() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let page = tmp.path().join("page.html");
        std::fs::write(&page, "<p>one</p>").expect("write");
        assert!(same_bytes(&page, b"<p>one</p>"));
        assert!(!same_bytes(&page, b"<p>two</p>"));
        assert!(!same_bytes(&page, b"<p>one</p>\n"));
        assert!(!same_bytes(&tmp.path().join("missing.html"), b""));
        #[cfg(unix)]
        {
            let link = tmp.path().join("link.html");
            std::os::unix::fs::symlink(&page, &link).expect("symlink");
            assert!(!same_bytes(&link, b"<p>one</p>"), "a symbolic link");
            let twin = tmp.path().join("twin.html");
            std::fs::hard_link(&page, &twin).expect("hard link");
            assert!(!same_bytes(&page, b"<p>one</p>"), "a file with two names");
        }
    }
}
