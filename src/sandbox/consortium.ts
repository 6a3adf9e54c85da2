// The seeded sandbox consortium: one member agent per organisation of the platform's use cases, each on its own
// loopback port. Every founder is a governor (the registry makes it so); the other roles say what each may do (the
// three mobile operators are the consortium's approved key custodians, KEY_CUSTODIAN: docs/datausage.md).
export interface SandboxMember {
  name: string;
  memberName: string;
  roles: string[];
}

export const SANDBOX_MEMBERS: readonly SandboxMember[] = [
  { name: "trust-authority", memberName: "Sandbox Trust Authority", roles: ["TRUST_AUTHORITY"] },
  { name: "numbering-authority", memberName: "Sandbox Numbering Authority", roles: ["NUMBERING_AUTHORITY"] },
  { name: "kyc-vetter", memberName: "Sandbox KYC Vetting Co", roles: ["KYC_VETTER"] },
  { name: "tnsp-alpha", memberName: "Alpha Telecom (TNSP)", roles: ["TNSP", "OSP"] },
  { name: "tnsp-beta", memberName: "Beta Networks (TNSP)", roles: ["TNSP", "OSP"] },
  { name: "tn-reseller", memberName: "Numbers Resold Inc (TNR)", roles: ["TNR"] },
  { name: "acme-brand", memberName: "Acme Bank (Brand)", roles: ["ENTERPRISE", "SETTLEMENT_BANK"] },
  { name: "call-centre", memberName: "Contact Centre Ltd (BPO)", roles: ["BPO"] },
  { name: "osp", memberName: "Origin Voice (OSP)", roles: ["OSP", "CSP"] },
  { name: "mno-north", memberName: "North Mobile", roles: ["MOBILE_OPERATOR", "KEY_CUSTODIAN"] },
  { name: "mno-south", memberName: "South Mobile", roles: ["MOBILE_OPERATOR", "KEY_CUSTODIAN"] },
  { name: "mno-east", memberName: "East Mobile", roles: ["MOBILE_OPERATOR", "KEY_CUSTODIAN"] },
];
