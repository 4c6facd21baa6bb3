//! Windows' equivalent of a 0700 home folder: an access list that grants the current
//! user full control and nobody else anything, protected from the parent folder's
//! entries, and inherited by every file in the folder (the ledger, its WAL, the key),
//! so a file created later is the owner's alone too. Unix uses modes (home.rs).

use std::io;
use std::path::Path;
use windows_sys::Win32::Foundation::{CloseHandle, LocalFree, ERROR_SUCCESS, GENERIC_ALL, HANDLE};
use windows_sys::Win32::Security::Authorization::{
    SetEntriesInAclW, SetNamedSecurityInfoW, EXPLICIT_ACCESS_W, NO_MULTIPLE_TRUSTEE, SET_ACCESS,
    SE_FILE_OBJECT, TRUSTEE_IS_SID, TRUSTEE_IS_USER, TRUSTEE_W,
};
use windows_sys::Win32::Security::{
    GetTokenInformation, TokenUser, ACL, CONTAINER_INHERIT_ACE, DACL_SECURITY_INFORMATION,
    OBJECT_INHERIT_ACE, PROTECTED_DACL_SECURITY_INFORMATION, TOKEN_QUERY, TOKEN_USER,
};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

/// The current user's SID, as the bytes of a TOKEN_USER (the SID points into them).
fn token_user() -> io::Result<Vec<u64>> {
    unsafe {
        let mut token: HANDLE = std::ptr::null_mut();
        if OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) == 0 {
            return Err(io::Error::last_os_error());
        }
        let mut len = 0u32;
        GetTokenInformation(token, TokenUser, std::ptr::null_mut(), 0, &mut len);
        // u64s: aligned for the TOKEN_USER and the SID that follows it.
        let mut buf = vec![0u64; (len as usize).div_ceil(8).max(1)];
        let ok = GetTokenInformation(token, TokenUser, buf.as_mut_ptr().cast(), len, &mut len);
        let err = io::Error::last_os_error();
        CloseHandle(token);
        if ok == 0 {
            return Err(err);
        }
        Ok(buf)
    }
}

/// Gives `path` (a folder or a file) an access list of one entry: the current user,
/// full control, inherited by what the folder holds; the parent's entries no longer
/// apply. Existing files in the folder take it over.
pub(crate) fn restrict(path: &Path) -> io::Result<()> {
    use std::os::windows::ffi::OsStrExt;
    let user = token_user()?;
    let sid = unsafe { (*(user.as_ptr() as *const TOKEN_USER)).User.Sid };
    let access = EXPLICIT_ACCESS_W {
        grfAccessPermissions: GENERIC_ALL,
        grfAccessMode: SET_ACCESS,
        grfInheritance: CONTAINER_INHERIT_ACE | OBJECT_INHERIT_ACE,
        Trustee: TRUSTEE_W {
            pMultipleTrustee: std::ptr::null_mut(),
            MultipleTrusteeOperation: NO_MULTIPLE_TRUSTEE,
            TrusteeForm: TRUSTEE_IS_SID,
            TrusteeType: TRUSTEE_IS_USER,
            ptstrName: sid.cast(),
        },
    };
    let mut wide: Vec<u16> = path.as_os_str().encode_wide().collect();
    wide.push(0);
    unsafe {
        let mut acl: *mut ACL = std::ptr::null_mut();
        let r = SetEntriesInAclW(1, &access, std::ptr::null(), &mut acl);
        if r != ERROR_SUCCESS {
            return Err(io::Error::from_raw_os_error(r as i32));
        }
        let r = SetNamedSecurityInfoW(
            wide.as_ptr(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            acl,
            std::ptr::null(),
        );
        LocalFree(acl.cast());
        if r != ERROR_SUCCESS {
            return Err(io::Error::from_raw_os_error(r as i32));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use windows_sys::Win32::Security::Authorization::GetNamedSecurityInfoW;
    use windows_sys::Win32::Security::{
        EqualSid, GetAce, GetSecurityDescriptorControl, ACCESS_ALLOWED_ACE, SE_DACL_PROTECTED,
    };

    /// The folder's access list after `restrict`: (protected, entries, every entry
    /// the current user's).
    fn dacl_of(path: &Path) -> (bool, u32, bool) {
        use std::os::windows::ffi::OsStrExt;
        let mut wide: Vec<u16> = path.as_os_str().encode_wide().collect();
        wide.push(0);
        let user = token_user().unwrap();
        let me = unsafe { (*(user.as_ptr() as *const TOKEN_USER)).User.Sid };
        unsafe {
            let mut acl: *mut ACL = std::ptr::null_mut();
            let mut sd = std::ptr::null_mut();
            let r = GetNamedSecurityInfoW(
                wide.as_ptr(),
                SE_FILE_OBJECT,
                DACL_SECURITY_INFORMATION,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                &mut acl,
                std::ptr::null_mut(),
                &mut sd,
            );
            assert_eq!(r, ERROR_SUCCESS);
            let (mut control, mut rev) = (0u16, 0u32);
            GetSecurityDescriptorControl(sd, &mut control, &mut rev);
            let n = (*acl).AceCount as u32;
            let mut all_mine = true;
            for i in 0..n {
                let mut ace = std::ptr::null_mut();
                GetAce(acl, i, &mut ace);
                let ace = ace as *const ACCESS_ALLOWED_ACE;
                let sid = std::ptr::addr_of!((*ace).SidStart) as *mut core::ffi::c_void;
                all_mine &= EqualSid(sid, me) != 0;
            }
            LocalFree(sd);
            (control & SE_DACL_PROTECTED != 0, n, all_mine)
        }
    }

    /// Runs on Windows only. (Wine 8 accepts the access list and keeps none of it, so it
    /// cannot stand in: the CI on Linux compiles this for Windows, and no more.)
    #[test]
    fn a_restricted_folder_and_its_files_are_the_users_alone() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir(&home).unwrap();
        std::fs::write(home.join("before.txt"), b"x").unwrap();
        restrict(&home).unwrap();
        std::fs::write(home.join("after.txt"), b"y").unwrap();
        let (protected, n, mine) = dacl_of(&home);
        assert!(protected, "the parent's entries no longer apply");
        assert_eq!((n, mine), (1, true));
        for f in ["before.txt", "after.txt"] {
            let (_, n, mine) = dacl_of(&home.join(f));
            assert!(n >= 1 && mine, "{f}: {n} entries, all the user's: {mine}");
        }
    }
}
